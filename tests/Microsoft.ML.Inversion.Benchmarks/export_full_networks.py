#!/usr/bin/python3
"""Exports every TorchVision classification architecture at full size, for `./build.sh bench --networks DIR`.

A developer tool, never run by CI. The files are far too big to commit (5 MB to 1.2 GB each, plus 2.5 GB of
external data for each of the two largest; about 21 GB in all), so they go into a folder git ignores (default
out/networks-full/, covered by .gitignore's /out/) with a manifest, networks.json, that the benchmark reads: per network its file, opset, input shape, output value, a
mid-graph value (the block at about the middle of the feature extractor) and, for a network the exporter cannot
write, the exporter's error instead of a file. Written for Debian bookworm's packages (apt-get install
python3-torch python3-torchvision python3-onnx: torch 1.13.1, torchvision 0.14.1, onnx 1.12):

    /usr/bin/python3 tests/Microsoft.ML.Inversion.Benchmarks/export_full_networks.py [--out DIR] [--skip-existing] [name ...]

    name ...         export only these (names as torchvision.models.list_models() spells them)
    --out DIR        where the .onnx files and networks.json go (default out/networks-full)
    --skip-existing  leave networks whose file and manifest entry are already there

vit_h_14 and regnet_y_128gf have 632 and 644 million parameters (2.5 GB of float32), beyond the 2 GiB a single ONNX
protobuf file can hold, so the exporter writes their weights as external data beside the model (the manifest notes
it), which the importer reads from the model's folder.

Architectures come from torchvision.models.list_models(), so the list is TorchVision 0.14's own (80 networks).
Each is built with weights=None (nothing is downloaded) and random weights from a fixed seed per network, at
224×224 (inception_v3: 299×299), with the batch axis left open, at opset 14, falling back to 13 where 14 fails
(the manifest records the fallback and why). Exporting takes from seconds to a few minutes per network. The
exporter in torch 1.13 cannot write Tensor.zero_ (Swin v2's attention uses it); the script registers a symbolic
for it (zero_symbolic below).

The random weights are made to behave like trained ones where TorchVision's initialisation would hide a part of
the network: BatchNorm affines and statistics are randomised (the statistics are then measured on random input,
so activations keep a trained network's scale through 150 layers instead of doubling their variance at every
residual block), LayerNorm affines are randomised, ConvNeXt's layer scales (1e-6 at initialisation, which makes
each block almost an identity) are set to 0.1–0.3, and a Linear layer initialised to zero (ViT's head) gets
random weights.
"""

import argparse
import json
import os
import re
import sys
import time

import onnx
import torch
import torch.nn as nn
import torchvision
from torchvision import models
from torchvision.models import convnext, densenet, maxvit, regnet, vision_transformer

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPOSITORY, "out", "networks-full")
OPSETS = (14, 13)
INPUT_SIZE = {"inception_v3": 299}
# Arguments the builders need besides weights=None: no auxiliary classifiers (eval mode never runs them anyway).
BUILDER_ARGUMENTS = {"googlenet": {"aux_logits": False, "init_weights": True},
                     "inception_v3": {"aux_logits": False, "init_weights": True}}
# Modules after the feature extractor, left out when looking for its middle.
HEAD_MODULES = {"avgpool", "fc", "classifier", "head", "heads", "dropout", "norm", "permute", "flatten", "ln",
                "AuxLogits", "aux1", "aux2"}
# Modules whose children are the feature extractor's blocks (or stages of blocks).
CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict, densenet._DenseBlock, regnet.AnyStage,
              vision_transformer.Encoder, maxvit.MaxVitBlock)


def zero_symbolic(g, self):
    """Tensor.zero_ (aten::zero), which torch 1.13's exporter lacks: Swin v2's attention zeroes the key third of a
    copy of its qkv bias on every call. Written as zeros of the same shape; the exporter turns the in-place write
    into the slice into a ScatterND."""
    return g.op("ConstantOfShape", g.op("Shape", self), value_t=torch.tensor([0.0]))


def register_missing_symbolics():
    for opset in OPSETS:
        torch.onnx.register_custom_op_symbolic("aten::zero", zero_symbolic, opset)


def architectures():
    return sorted(models.list_models(module=models))


def feature_blocks(module, prefix=""):
    """The qualified names of the feature extractor's blocks in execution order: the model's children without the
    head, with stages (plain containers) opened up. Conv2dNormActivation subclasses Sequential but is one block."""
    blocks = []
    for name, child in module.named_children():
        if not prefix and name in HEAD_MODULES:
            continue
        qualified = f"{prefix}{name}"
        if type(child) in CONTAINERS and len(list(child.children())) > 0:
            blocks.extend(feature_blocks(child, qualified + "."))
        else:
            blocks.append(qualified)
    return blocks


def node_modules(node_name, module_names):
    """The qualified names of the modules a node was traced in, outermost first. Torch 1.13 names a node by its
    module scopes ('/features/features.5/features.5.0/block/block.3/Conv'), each scope relative to some enclosing
    module and a repeated call suffixed '_1'; each scope is resolved against the model's own module names."""
    scopes = node_name.strip("/").split("/")[:-1]
    resolved = []
    for scope in scopes:
        for candidate in (scope, re.sub(r"_\d+$", "", scope)):
            enclosing = [resolved[i] for i in range(len(resolved) - 1, -1, -1)] + [""]
            match = next((f"{e}.{candidate}" if e else candidate for e in enclosing
                          if (f"{e}.{candidate}" if e else candidate) in module_names), None)
            if match is not None:
                resolved.append(match)
                break
    return resolved


def mid_value(model_proto, net):
    """The output of the last float-valued node inside the block at the middle of the feature extractor; where that
    block left no node of its own (a BatchNorm folded into its convolution), the nearest block that did."""
    inferred = onnx.shape_inference.infer_shapes(model_proto)
    float_values = {v.name for v in list(inferred.graph.value_info) + list(inferred.graph.output)
                    if v.type.tensor_type.elem_type == onnx.TensorProto.FLOAT}
    module_names = {name for name, _ in net.named_modules() if name}
    last_output = {}
    scope_of = {}
    for node in model_proto.graph.node:
        if not node.output or node.output[0] not in float_values:
            continue
        scopes = node.name.strip("/").split("/")[:-1]
        for depth, module in enumerate(node_modules(node.name, module_names)):
            last_output[module] = node.output[0]
            scope_of.setdefault(module, "/" + "/".join(scopes[:depth + 1]) + "/")
    blocks = feature_blocks(net)
    middle = len(blocks) // 2
    for offset in range(len(blocks)):
        for index in (middle - offset, middle + offset):
            if 0 <= index < len(blocks) and blocks[index] in last_output:
                block = blocks[index]
                return last_output[block], block, scope_of[block], index, len(blocks)
    raise RuntimeError(f"no float node in any of the {len(blocks)} feature blocks ({', '.join(blocks[:5])}, ...)")


def randomise(net, name):
    """Random weights that exercise every part of the network (see the module docstring)."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Linear) and not m.weight.any():
                nn.init.normal_(m.weight, std=0.1)
            if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm)) and m.weight is not None:
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
            if isinstance(m, convnext.CNBlock):
                m.layer_scale.uniform_(0.1, 0.3)
        norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
        if norms:
            # Cumulative statistics (momentum None) of one random batch, measured in training mode.
            for m in norms:
                m.reset_running_stats()
                m.momentum = None
            net.train()
            net(torch.randn(4, 3, *([INPUT_SIZE.get(name, 224)] * 2)))
    net.eval()


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def export_at(net, x, path, opset):
    partial = path + ".partial"
    try:
        # Gradients stay enabled: nn.MultiheadAttention's fast path (a fused kernel the exporter cannot write) is
        # taken only without them.
        torch.onnx.export(net, x, partial, opset_version=opset, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
        onnx.checker.check_model(partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def export(name, out):
    torch.manual_seed(sum(map(ord, name)))
    size = INPUT_SIZE.get(name, 224)
    started = time.time()
    net = models.get_model(name, weights=None, **BUILDER_ARGUMENTS.get(name, {}))
    randomise(net, name)
    x = torch.randn(1, 3, size, size)
    path = os.path.join(out, f"{name}.onnx")
    entry = {"input": [1, 3, size, size], "output": "output",
             "parameters": sum(p.numel() for p in net.parameters())}
    errors = []
    for opset in OPSETS:
        try:
            export_at(net, x, path, opset)
        except Exception as e:  # the exporter raises many types; each is recorded, not fatal
            errors.append(f"opset {opset}: {type(e).__name__}: {first_line(e)}")
            continue
        entry.update({"file": f"{name}.onnx", "opset": opset})
        if errors:
            entry["opsetFallback"] = errors[0]
        break
    else:
        entry["error"] = "; ".join(errors)
        if os.path.exists(path):  # from an earlier export; the benchmark must not read it as this one's
            os.remove(path)
        print(f"{name}: the exporter failed: {entry['error']}", flush=True)
        return entry
    model = onnx.load(path, load_external_data=False)
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer):
        entry["note"] = "weights written as external data (the model is above 2 GiB)"
    mid, block, scope, index, count = mid_value(model, net)
    ops = sorted({n.op_type for n in model.graph.node})
    entry.update({"mid": mid, "midModule": block, "midScope": scope, "midBlock": f"{index + 1} of {count}",
                  "nodes": len(model.graph.node), "operators": ops, "bytes": os.path.getsize(path)})
    print(f"{name}: opset {entry['opset']}{' (14 failed)' if errors else ''}, {entry['bytes'] / 2**20:.0f} MiB, "
          f"{len(model.graph.node)} nodes, mid '{mid}' (block {index + 1} of {count}, {block}), "
          f"{time.time() - started:.0f} s", flush=True)
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="networks to export (default: all)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default out/networks-full)")
    parser.add_argument("--skip-existing", action="store_true", help="leave networks already exported")
    args = parser.parse_args()
    known = architectures()
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise SystemExit(f"not TorchVision {torchvision.__version__} classification architectures: {', '.join(unknown)}; "
                         f"expected some of: {', '.join(known)}")
    os.makedirs(args.out, exist_ok=True)
    register_missing_symbolics()
    manifest_path = os.path.join(args.out, "networks.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    names = args.names or known
    # The commands that wrote the folder, for the benchmark's report.
    command = " ".join(["/usr/bin/python3", os.path.relpath(os.path.abspath(__file__), os.getcwd())] + sys.argv[1:])
    manifest["_commands"] = [c for c in manifest.get("_commands", []) if c != command] + [command]

    def save():
        manifest["_exporter"] = f"torch {torch.__version__}, torchvision {torchvision.__version__}, onnx {onnx.__version__}"
        with open(manifest_path + ".partial", "w") as f:
            json.dump(dict(sorted(manifest.items())), f, indent=2)
            f.write("\n")
        os.replace(manifest_path + ".partial", manifest_path)

    for name in names:
        existing = manifest.get(name, {})
        if args.skip_existing and "file" in existing and os.path.exists(os.path.join(args.out, existing["file"])):
            print(f"{name}: already exported", flush=True)
            continue
        try:
            manifest[name] = export(name, args.out)
        except Exception as e:  # building, exporting or reading back: recorded for the benchmark's report, not fatal
            manifest[name] = {"error": f"{type(e).__name__}: {first_line(e)}"}
            print(f"{name}: failed: {manifest[name]['error']}", flush=True)
        save()
    save()


if __name__ == "__main__":
    main()
