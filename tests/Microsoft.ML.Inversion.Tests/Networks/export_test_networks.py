#!/usr/bin/python3
"""Exports the TorchVision architecture families the ONNX importer is tested on, at reduced width and depth.

A developer tool, never run by CI: the .onnx files it writes are committed next to it, with networks.json (what
the tests read: each file's input shape, final output and a mid-graph value). Written for Debian bookworm's
packages (apt-get install python3-torch python3-torchvision python3-onnx: torch 1.13.1, torchvision 0.14.1,
onnx 1.12); run it from anywhere with /usr/bin/python3:

    /usr/bin/python3 tests/Microsoft.ML.Inversion.Tests/Networks/export_test_networks.py [name ...]

Weights are random (a fixed seed per network), so the files are small and the same on every run of the same
torch version. To add a family: add a function below that returns (module, input size, the node-name
prefix of a mid-graph module), list it in NETWORKS, run the script, commit the .onnx file and networks.json, and add a DataRow to
OnnxNetworkTests (docs/backbones.md, "Adding a network family").
"""

import json
import os
import re
import sys
from collections import OrderedDict
from functools import partial

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import (convnext, efficientnet, maxvit, mnasnet, mobilenetv2, mobilenetv3, regnet,
                                resnet, shufflenetv2, squeezenet, densenet, swin_transformer, vision_transformer)

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BYTES = 2 * 1024 * 1024


def convnext_tiny_reduced():
    settings = [convnext.CNBlockConfig(8, 16, 1), convnext.CNBlockConfig(16, 32, 1),
                convnext.CNBlockConfig(32, 64, 1), convnext.CNBlockConfig(64, None, 1)]
    return convnext.ConvNeXt(settings, num_classes=10), 64, "/features/features.5/"


def mnasnet_reduced():
    net = mnasnet.MNASNet(0.25, num_classes=10)
    return net, 64, "/layers/layers.10/"


def shufflenet_v2_reduced():
    net = shufflenetv2.ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 128], num_classes=10)
    return net, 64, "/stage3/"


def swin_t_reduced():
    net = swin_transformer.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[1, 2],
                                           window_size=[4, 4], num_classes=10)
    return net, 64, "/features/features.1/"


def mobilenet_v3_small_reduced():
    setting, last = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.25, reduced_tail=True)
    return mobilenetv3.MobileNetV3(setting, last, num_classes=10), 64, "/features/features.6/"


def mobilenet_v3_large_reduced():
    setting, last = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_large", width_mult=0.25, reduced_tail=True)
    return mobilenetv3.MobileNetV3(setting, last, num_classes=10), 64, "/features/features.10/"


def vit_b_16_reduced():
    net = vision_transformer.VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=2,
                                               hidden_dim=32, mlp_dim=64, num_classes=10)
    return net, 64, "/encoder/layers/encoder_layer_0/"


def efficientnet_b0_reduced():
    setting, last = efficientnet._efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.25)
    return efficientnet.EfficientNet(setting, 0.2, last_channel=last, num_classes=10), 64, "/features/features.4/"


def efficientnet_v2_s_reduced():
    fused, mb = efficientnet.FusedMBConvConfig, efficientnet.MBConvConfig
    setting = [fused(1, 3, 1, 8, 8, 1), fused(4, 3, 2, 8, 16, 1), mb(4, 3, 2, 16, 24, 1), mb(6, 3, 2, 24, 32, 1)]
    net = efficientnet.EfficientNet(setting, 0.2, last_channel=64, num_classes=10,
                                    norm_layer=partial(nn.BatchNorm2d, eps=1e-3))
    return net, 64, "/features/features.3/"


def regnet_y_reduced():
    params = regnet.BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25)
    return regnet.RegNet(params, num_classes=10, stem_width=8), 64, "/trunk_output/block2/"


def maxvit_t_reduced():
    net = maxvit.MaxVit(input_size=(64, 64), stem_channels=8, partition_size=2, block_channels=[16, 32],
                        block_layers=[1, 1], head_dim=8, stochastic_depth_prob=0.0, num_classes=10)
    return net, 64, "/blocks.0/"


def mobilenet_v2_reduced():
    return mobilenetv2.MobileNetV2(width_mult=0.25, num_classes=10), 64, "/features/features.7/"


def densenet_reduced():
    return densenet.DenseNet(growth_rate=8, block_config=(1, 2, 1, 1), num_init_features=16, bn_size=2,
                             num_classes=10), 64, "/features/denseblock2/"


class UpsamplingDecoder(nn.Module):
    """Not TorchVision: a small encoder-decoder with the operators segmentation and generator heads use."""

    def __init__(self, align_corners=True):
        super().__init__()
        # Opset 9's Upsample has no align_corners form; the exporter refuses it there.
        self.align_corners = align_corners
        self.down = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.InstanceNorm2d(8, affine=True), nn.Softplus())
        self.up1 = nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1, output_padding=0)
        self.up2 = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=1)
        self.head = nn.Conv2d(20, 3, 1)

    def forward(self, x):
        y = self.down(x)
        y = y + y.amax(dim=1, keepdim=True) - 0.1 * y.sum(dim=1, keepdim=True) + 0.1 * y.norm(p=2, dim=1, keepdim=True)
        a = self.up1(y)
        b = F.interpolate(y, scale_factor=2.0, mode="nearest")
        c = F.interpolate(y, size=(x.shape[2] // 2 * 2, x.shape[3] // 2 * 2), mode="bilinear", align_corners=False)
        d = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=self.align_corners)
        e = self.up2(y)
        mix = torch.cat([a + b, c * torch.sigmoid(d), e], dim=1)
        return self.head(mix).abs().add(1e-3).log().neg().exp().reciprocal().sqrt().repeat(1, 2, 1, 1)


def decoder_reduced():
    return UpsamplingDecoder(), 32, "/up1/"


def decoder_opset9_reduced():
    return UpsamplingDecoder(align_corners=False), 32, "/up1/"


# Written with their weights in a data file beside the model (data_location = EXTERNAL).
EXTERNAL_DATA = {"vit_b_16_external"}

# name: (builder, opset)
NETWORKS = OrderedDict([
    ("convnext_t", (convnext_tiny_reduced, 13)),
    ("convnext_t_opset17", (convnext_tiny_reduced, 17)),
    ("mnasnet", (mnasnet_reduced, 13)),
    ("shufflenet_v2", (shufflenet_v2_reduced, 13)),
    ("swin_t", (swin_t_reduced, 14)),
    ("mobilenet_v3_small", (mobilenet_v3_small_reduced, 14)),
    ("mobilenet_v3_large", (mobilenet_v3_large_reduced, 13)),
    ("vit_b_16", (vit_b_16_reduced, 14)),
    ("vit_b_16_opset17", (vit_b_16_reduced, 17)),
    ("vit_b_16_external", (vit_b_16_reduced, 14)),
    ("efficientnet_b0", (efficientnet_b0_reduced, 13)),
    ("efficientnet_v2_s", (efficientnet_v2_s_reduced, 14)),
    ("regnet_y", (regnet_y_reduced, 13)),
    ("maxvit_t", (maxvit_t_reduced, 14)),
    ("mobilenet_v2", (mobilenet_v2_reduced, 11)),
    ("densenet", (densenet_reduced, 11)),
    ("decoder", (decoder_reduced, 13)),
    ("decoder_opset11", (decoder_reduced, 11)),
    ("decoder_opset9", (decoder_opset9_reduced, 9)),
])


def mid_value(model_proto, prefix):
    """The output of the last float-valued node whose name starts with prefix (torch 1.13 names nodes by module scope,
    e.g. '/features/features.5/features.5.0/Add')."""
    inferred = onnx.shape_inference.infer_shapes(model_proto)
    float_values = {v.name for v in list(inferred.graph.value_info) + list(inferred.graph.output)
                    if v.type.tensor_type.elem_type == onnx.TensorProto.FLOAT}
    candidates = [n for n in model_proto.graph.node if n.name.startswith(prefix) and n.output[0] in float_values]
    if not candidates:
        raise SystemExit(f"no float node under '{prefix}'")
    return candidates[-1].output[0]


def export(name, builder, opset):
    torch.manual_seed(sum(map(ord, re.sub("_(opset17|opset11|opset9|external)$", "", name))))
    net, size, mid_scope = builder()
    net.eval()
    # Random weights with visible BatchNorm statistics, so the folded affine maps are not identities; layers that
    # TorchVision initialises to zero (ViT's head) get random weights, so the output is not identically zero.
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Linear) and not m.weight.any():
                nn.init.normal_(m.weight, std=0.1)
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    x = torch.randn(1, 3, size, size)
    path = os.path.join(HERE, f"{name}.onnx")
    # Gradients stay enabled: nn.MultiheadAttention's fast path (a fused kernel the exporter cannot write) is
    # taken only without them.
    torch.onnx.export(net, x, path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    extra = {}
    if name in EXTERNAL_DATA:
        # Weights in a data file beside the model, as the exporter writes models above 2 GiB (the small ones
        # stay inline: onnx.save's threshold).
        data = f"{name}.onnx.data"
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data,
                        size_threshold=1024)
        onnx.checker.check_model(path)
        extra = {"externalData": data, "externalBytes": os.path.getsize(os.path.join(HERE, data))}
    mid = mid_value(model, mid_scope)
    ops = sorted({n.op_type for n in model.graph.node})
    bytes_ = os.path.getsize(path)
    if bytes_ > MAX_BYTES:
        raise SystemExit(f"{name}.onnx is {bytes_} bytes, above the {MAX_BYTES}-byte limit for committed fixtures")
    print(f"{name}: opset {opset}, {bytes_ / 1024:.0f} KiB, {len(model.graph.node)} nodes, mid '{mid}', ops {' '.join(ops)}")
    return {"file": f"{name}.onnx", "opset": opset, "input": [1, 3, size, size], "output": "output",
            "mid": mid, "midScope": mid_scope, "operators": ops, "bytes": os.path.getsize(path), **extra}


def main(names):
    manifest_path = os.path.join(HERE, "networks.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    for name in names or NETWORKS:
        builder, opset = NETWORKS[name]
        manifest[name] = export(name, builder, opset)
    manifest["_exporter"] = f"torch {torch.__version__}, torchvision {torchvision.__version__}, onnx {onnx.__version__}"
    with open(manifest_path, "w") as f:
        json.dump(dict(sorted(manifest.items())), f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
