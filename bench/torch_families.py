#!/usr/bin/env python3
"""PyTorch's side of bench/families.mjs: times of log_prob and of reparameterised sampling
with its gradient, for the distribution families latent added, on one thread.

A server: reads JSON lines {"family", "op": "logProb" | "rsample" | "sample", "n", "runs"} on
stdin and answers one JSON line {"ms": [ms of each run]}. logProb sums log_prob over n values
drawn once (not timed); rsample draws n values with the concentration requiring a gradient and
back-propagates their sum; sample draws n values and sums them. float32 throughout, validate_args=False. Needs Debian's
python3-torch (/usr/bin/python3).
"""
import json
import sys

import torch
from torch import distributions as D

from torch_timing import one_thread, timed

one_thread()
torch.manual_seed(0)
D.Distribution.set_default_validate_args(False)

# The same parameters as bench/families.mjs.
FAMILIES = {
    "Exponential": lambda: D.Exponential(torch.tensor(1.5)),
    "Gamma": lambda: D.Gamma(torch.tensor(2.5), torch.tensor(1.5)),
    "Beta": lambda: D.Beta(torch.tensor(2.0), torch.tensor(3.5)),
    "StudentT": lambda: D.StudentT(torch.tensor(4.0), torch.tensor(0.5), torch.tensor(2.0)),
    "Laplace": lambda: D.Laplace(torch.tensor(0.5), torch.tensor(2.0)),
    "LogNormal": lambda: D.LogNormal(torch.tensor(0.5), torch.tensor(0.8)),
    "HalfNormal": lambda: D.HalfNormal(torch.tensor(1.5)),
    "Cauchy": lambda: D.Cauchy(torch.tensor(0.5), torch.tensor(2.0)),
    "Poisson": lambda: D.Poisson(torch.tensor(7.5)),
    "Binomial": lambda: D.Binomial(torch.tensor(40.0), logits=torch.tensor(-0.4)),
    "ContinuousBernoulli": lambda: D.ContinuousBernoulli(logits=torch.tensor(1.3)),
    "Dirichlet K=10": lambda: D.Dirichlet(torch.linspace(0.5, 5.0, 10)),
}
DRAWS = {}



def log_prob(name, n, runs):
    d = FAMILIES[name]()
    key = (name, n)
    if key not in DRAWS:
        rows = n // 10 if name.startswith("Dirichlet") else n
        DRAWS[key] = d.sample((rows,)).float()
    x = DRAWS[key]
    return timed(lambda: d.log_prob(x).sum().item(), runs)


def rsample(name, n, runs):
    def once():
        if name == "Gamma":
            a = torch.tensor(2.5, requires_grad=True)
            z = D.Gamma(a, torch.tensor(1.5)).rsample((n,))
        else:
            a = torch.tensor(2.0, requires_grad=True)
            z = D.Beta(a, torch.tensor(3.5)).rsample((n,))
        z.sum().backward()
        return a.grad.item()
    return timed(once, runs)


def sample(name, n, runs):
    d = FAMILIES[name]()
    return timed(lambda: d.sample((n,)).sum().item(), runs)


OPS = {"logProb": log_prob, "rsample": rsample, "sample": sample}
for line in sys.stdin:
    request = json.loads(line)
    op = OPS[request["op"]]
    print(json.dumps({"ms": op(request["family"], request["n"], request["runs"])}), flush=True)
