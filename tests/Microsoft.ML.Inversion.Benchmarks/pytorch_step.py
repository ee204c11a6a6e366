#!/usr/bin/python3
"""The ijcv2016 preset's optimisation step written in plain PyTorch, timed per layer: the reference that
`./build.sh bench` sets our step against, side by side in one run. A developer tool (Debian's python3-torch and
python3-torchvision); the benchmark calls it once a round and reads one JSON line from standard output.

The step is what a user writes by hand: TorchVision's ResNet18 in eval mode (random weights: the time does not
depend on them) truncated at the layer, a jittered crop of a pixel image, the feature term ||Φ(x) − Φ0||²/||Φ0||²,
the α-norm (α = 6) and TV (β = 2) priors as pixel means, backward, and the MomentumRms update; eager mode, as
written, with BatchNormalization left in the graph.

    /usr/bin/python3 pytorch_step.py --layers conv1,stage2 --warmup 2 --measured 8 --threads 2
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torchvision

LAYERS = ["conv1", "pool1", "stage1", "stage2", "stage3", "stage4", "pool5"]


def truncated(net, layer):
    parts = [net.conv1, net.bn1, net.relu, net.maxpool, net.layer1, net.layer2, net.layer3, net.layer4, net.avgpool]
    ends = {"conv1": 3, "pool1": 4, "stage1": 5, "stage2": 6, "stage3": 7, "stage4": 8, "pool5": 9}
    return nn.Sequential(*parts[:ends[layer]])


def step_seconds(layer, warmup, measured, size=224, jitter=4):
    torch.manual_seed(1)
    net = truncated(torchvision.models.resnet18(), layer).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    b = 120.0
    with torch.no_grad():
        target = net(torch.randn(1, 3, size, size) * 60)
    target_norm = target.square().sum()
    x = (torch.randn(1, 3, size + jitter, size + jitter) * 10).requires_grad_(True)
    squares, velocity = torch.zeros_like(x), torch.zeros_like(x)
    rate, momentum = 1.0 / b, 0.9
    times = []
    for i in range(warmup + measured):
        start = time.perf_counter()
        dy, dx = torch.randint(0, jitter + 1, (2,)).tolist()
        crop = x[:, :, dy:dy + size, dx:dx + size]
        data = (net(crop) - target).square().sum() / target_norm
        alpha = (crop / b).abs().pow(6).mean()
        tv = ((crop[:, :, 1:, :-1] - crop[:, :, :-1, :-1]).square()
              + (crop[:, :, :-1, 1:] - crop[:, :, :-1, :-1]).square()).mean() / (b * b) * (6.5 / b) ** 2
        energy = data + alpha / b ** 6 + tv
        grad, = torch.autograd.grad(energy, x)
        with torch.no_grad():
            squares.mul_(momentum).add_(grad.square())
            velocity.mul_(momentum).sub_(grad / (squares.sqrt() + 1e-8) * rate)
            x.add_(velocity)
            x.clamp_(-2 * b, 2 * b)
        energy.item()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", default=",".join(LAYERS))
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--measured", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {layer: step_seconds(layer, args.warmup, args.measured) for layer in args.layers.split(",")}
    print(json.dumps({"torch": torch.__version__, "seconds": result}))


if __name__ == "__main__":
    main()
