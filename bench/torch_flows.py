#!/usr/bin/env python3
"""PyTorch's side of bench/flows.mjs: the three flows of issue 13 written the way latent builds them,
timed on one thread.

RealNVP: 8 affine couplings (MLP 2x64, relu; log-scale 3*tanh(raw/3)); MAF: 5 affine autoregressive
layers (MADE 2x64 with latent's degrees); NSF: 6 rational-quadratic spline couplings (8 bins, tail
bound 4, identity outside). Coordinates reversed between layers; conditioners' output layers start
at zero; Adam 1e-3; base N(0, I).

A server: reads JSON lines {"flow", "op": "step" | "sample", "runs"} and answers {"ms": [...]}.
"step" is one Adam step on -mean log p of a fixed batch of 256 two-moons-like points; "sample"
draws 10,000 points without gradients. Needs Debian's python3-torch (/usr/bin/python3).
"""
import json
import math
import sys

import torch
import torch.nn.functional as F
from torch import nn

from torch_timing import one_thread, timed

one_thread()
torch.manual_seed(0)
BOUND = 3.0


def mlp(n_in, n_out, hidden=(64, 64)):
    layers, sizes = [], [n_in, *hidden]
    for a, b in zip(sizes, sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    last = nn.Linear(sizes[-1], n_out)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*layers, last)


def affine(x, params, inverse):
    shift, raw = params[..., 0], params[..., 1]
    log_scale = BOUND * torch.tanh(raw / BOUND)
    if inverse:
        return (x - shift) * torch.exp(-log_scale), -log_scale
    return x * torch.exp(log_scale) + shift, log_scale


MIN_BIN, MIN_D = 1e-3, 1e-3
D_OFFSET = math.log(math.expm1(1 - MIN_D))


def knots(raw, b):
    k = raw.shape[-1]
    sizes = F.softmax(raw, -1) * (1 - MIN_BIN * k) + MIN_BIN
    cum = torch.cumsum(sizes, -1)
    inner = cum[..., :-1] * 2 * b - b
    ends = torch.full_like(raw[..., :1], b)
    return torch.cat([-ends, inner, ends], -1)


def spline(x, params, inverse, bins=8, b=4.0):
    w, h, d = params[..., :bins], params[..., bins:2 * bins], params[..., 2 * bins:]
    xs, ys = knots(w, b), knots(h, b)
    ones = torch.ones_like(d[..., :1])
    der = torch.cat([ones, F.softplus(d + D_OFFSET) + MIN_D, ones], -1)
    inside = (x > -b) & (x < b)
    v = x.clamp(-b, b)
    edges = ys if inverse else xs
    idx = (v.unsqueeze(-1) >= edges[..., 1:bins]).sum(-1, keepdim=True)
    pick = lambda t, o: t[..., o:o + bins].gather(-1, idx).squeeze(-1)
    xk, yk = pick(xs, 0), pick(ys, 0)
    wk, hk = pick(xs, 1) - xk, pick(ys, 1) - yk
    dk, dk1 = pick(der, 0), pick(der, 1)
    s = hk / wk
    c2 = dk + dk1 - 2 * s
    if inverse:
        dy = v - yk
        a = hk * (s - dk) + dy * c2
        bq = hk * dk - dy * c2
        c = -s * dy
        xi = 2 * c / (-bq - torch.sqrt((bq * bq - 4 * a * c).clamp_min(0)))
        out = xi * wk + xk
    else:
        xi = (v - xk) / wk
    xi1m = xi * (1 - xi)
    den = s + c2 * xi1m
    if not inverse:
        out = yk + hk * (s * xi * xi + dk * xi1m) / den
    log_slope = 2 * torch.log(s) + torch.log(dk1 * xi * xi + 2 * s * xi1m + dk * (1 - xi) ** 2) - 2 * torch.log(den)
    return torch.where(inside, out, x), torch.where(inside, -log_slope if inverse else log_slope, torch.zeros_like(x))


class Coupling(nn.Module):
    def __init__(self, dim, transform, per_dim):
        super().__init__()
        self.split, self.dim, self.transform, self.per_dim = dim // 2, dim, transform, per_dim
        self.net = mlp(self.split, (dim - self.split) * per_dim)

    def run(self, x, inverse):
        a, b = x[..., :self.split], x[..., self.split:]
        params = self.net(a).reshape(*a.shape[:-1], self.dim - self.split, self.per_dim)
        y, ld = self.transform(b, params, inverse)
        return torch.cat([a, y], -1), ld.sum(-1)


class MADE(nn.Module):
    def __init__(self, dim, per_dim, hidden=(64, 64)):
        super().__init__()
        degrees = [list(range(1, dim + 1))] + [[(j % (dim - 1)) + 1 if dim > 1 else 0 for j in range(h)] for h in hidden]
        degrees.append([u // per_dim + 1 for u in range(dim * per_dim)])
        self.layers, self.masks = nn.ModuleList(), []
        for i, (a, b) in enumerate(zip(degrees, degrees[1:])):
            last = i == len(degrees) - 2
            self.layers.append(nn.Linear(len(a), len(b)))
            self.masks.append(torch.tensor([[float(q < p if last else q <= p) for q in a] for p in b]))
        nn.init.zeros_(self.layers[-1].weight)
        nn.init.zeros_(self.layers[-1].bias)
        self.dim, self.per_dim = dim, per_dim

    def forward(self, x):
        for i, (layer, mask) in enumerate(zip(self.layers, self.masks)):
            x = F.linear(x, layer.weight * mask, layer.bias)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x.reshape(*x.shape[:-1], self.dim, self.per_dim)


class Autoregressive(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.made, self.dim = MADE(dim, 2), dim

    def run(self, x, inverse):
        if inverse:
            z, ld = affine(x, self.made(x), True)
            return z, ld.sum(-1)
        y = torch.zeros_like(x)
        for _ in range(self.dim):
            y, ld = affine(x, self.made(y), False)
        return y, ld.sum(-1)


class Flow(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def log_prob(self, x):
        total = torch.zeros(x.shape[0])
        for i, layer in enumerate(self.layers):  # data side first
            if i > 0:
                x = x.flip(-1)
            x, ld = layer.run(x, True)
            total = total + ld
        return total - 0.5 * (x * x).sum(-1) - x.shape[-1] * 0.5 * math.log(2 * math.pi)

    def sample(self, n, dim=2):
        z = torch.randn(n, dim)
        for i, layer in reversed(list(enumerate(self.layers))):
            z, _ = layer.run(z, False)
            if i > 0:
                z = z.flip(-1)
        return z


def build(name):
    if name == "realNVP":
        return Flow([Coupling(2, affine, 2) for _ in range(8)])
    if name == "maf":
        return Flow([Autoregressive(2) for _ in range(5)])
    return Flow([Coupling(2, spline, 3 * 8 - 1) for _ in range(6)])


def moons(n):
    t = torch.rand(n) * math.pi
    inner = (torch.rand(n) < 0.5).float()
    sign = 1 - 2 * inner
    x = torch.stack([sign * torch.cos(t) + inner, sign * torch.sin(t) + inner * 0.5], -1) + 0.1 * torch.randn(n, 2)
    return x * 2 + torch.tensor([-1.0, -0.2])


FLOWS, BATCH = {}, moons(256)



def handle(request):
    name = request["flow"]
    if name not in FLOWS:
        flow = build(name)
        FLOWS[name] = (flow, torch.optim.Adam(flow.parameters(), lr=1e-3))
    flow, optimizer = FLOWS[name]
    if request["op"] == "step":
        def step():
            optimizer.zero_grad()
            loss = -flow.log_prob(BATCH).mean()
            loss.backward()
            optimizer.step()
        return timed(step, request["runs"])
    with torch.no_grad():
        return timed(lambda: flow.sample(10_000), request["runs"])


for line in sys.stdin:
    print(json.dumps({"ms": handle(json.loads(line))}), flush=True)
