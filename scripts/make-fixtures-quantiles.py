#!/usr/bin/env python3
"""Float64 references for the quantiles (test/fixtures/quantiles.json): scipy's gammaincinv for a
from 1e-2 to 1e3, betaincinv for a, b from 0.1 to 1e3, and Student-t ppf for df 0.5..1e6, at
probabilities from 1e-6 to 1 − 1e-6 (rounded to float32 first, as latent receives them), and
gammaincinv's derivative in a by central differences."""
import numpy as np
from scipy import special, stats

from fixture_io import dump, f32

probs = f32([1e-6, 1e-3, 0.05, 0.3, 0.5, 0.8, 0.99, 1 - 1e-4, 1 - 1e-6])
shapes = f32([0.01, 0.1, 0.5, 1.0, 2.5, 10.0, 100.0, 1000.0])
ga = np.repeat(shapes, len(probs))
gp = np.tile(probs, len(shapes))
params = f32([0.1, 0.5, 1.0, 2.5, 10.0, 100.0, 1000.0])
ba = np.repeat(params, len(params) * len(probs))
bb = np.tile(np.repeat(params, len(probs)), len(params))
bp = np.tile(probs, len(params) ** 2)
# dx/da at fixed p by central differences in float64 (relative step 1e-6).
h = 1e-6
dxda = (special.gammaincinv(ga * (1 + h), gp) - special.gammaincinv(ga * (1 - h), gp)) / (2 * h * ga)
dfs = f32([0.5, 1.0, 2.5, 10.0, 100.0, 1e4, 1e6])
td = np.repeat(dfs, len(probs))
tp = np.tile(probs, len(dfs))
dump("quantiles.json", {
    "gamma": {"a": ga.tolist(), "p": gp.tolist(), "x": special.gammaincinv(ga, gp).tolist(), "dxda": dxda.tolist()},
    "beta": {"a": ba.tolist(), "b": bb.tolist(), "p": bp.tolist(), "x": special.betaincinv(ba, bb, bp).tolist()},
    "studentT": {"df": td.tolist(), "p": tp.tolist(), "t": stats.t.ppf(tp, td).tolist()},
})
