#!/usr/bin/python3
"""torch.distributions' log-densities (float64) of RelaxedBernoulli and RelaxedOneHotCategorical
(test/fixtures/relaxed.json), as an implementation independent of latent's. Run with Debian's
/usr/bin/python3 (python3-torch)."""
import json
import pathlib

import torch
from torch.distributions import RelaxedBernoulli, RelaxedOneHotCategorical

torch.set_default_dtype(torch.float64)
OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "relaxed.json"


def f32(values):
    return torch.tensor(values, dtype=torch.float32).double()


bernoulli = []
y = f32([1e-5, 0.02, 0.3, 0.5, 0.8, 0.995])
for temperature, logits in [(0.1, 2.0), (0.5, -1.5), (1.0, 0.0), (3.0, 0.7)]:
    t, l = f32([temperature])[0], f32([logits])[0]
    bernoulli.append({"temperature": float(t), "logits": float(l), "y": y.tolist(),
                      "logProb": RelaxedBernoulli(t, logits=l).log_prob(y).tolist()})

categorical = []
gen = torch.Generator().manual_seed(0)
for temperature, logits in [(0.3, [0.0, 1.0, -2.0]), (1.0, [0.5, 0.5, 0.5, 0.5]), (2.5, [3.0, -1.0, 0.2, 1.1, -0.4])]:
    t, l = f32([temperature])[0], f32(logits)
    raw = torch.rand(4, len(logits), generator=gen) + 0.01
    points = f32((raw / raw.sum(-1, keepdim=True)).tolist())
    points = points / points.sum(-1, keepdim=True)
    categorical.append({"temperature": float(t), "logits": l.tolist(), "y": points.tolist(),
                        "logProb": RelaxedOneHotCategorical(t, logits=l).log_prob(points).tolist()})

OUT.write_text(json.dumps({"bernoulli": bernoulli, "categorical": categorical}, indent=1) + "\n")
print(f"wrote {OUT}")
