#!/usr/bin/env python3
"""Float64 references for the regularized incomplete beta function and the Beta and Student-t cdfs
(test/fixtures/betainc.json): scipy's betainc at a, b from 0.1 to 1e3 and x at the Beta quantiles
1e-6..1 − 1e-6 and a few fixed points; Student-t cdfs at df 0.5..1e6 and t from −1e3 to 1e3."""
import numpy as np
from scipy import special, stats

from fixture_io import dump, f32

params = f32([0.1, 0.5, 1.0, 2.5, 10.0, 100.0, 1000.0])
quantiles = [1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6]
a, b, x = [], [], []
for p in params:
    for q in params:
        points = [stats.beta(p, q).ppf(u) for u in quantiles] + [0.05, 0.5, 0.95]
        for v in f32(points):
            if 0 < v < 1:
                a.append(float(p))
                b.append(float(q))
                x.append(float(v))
a, b, x = np.array(a), np.array(b), np.array(x)
dfs = f32([0.5, 1.0, 3.0, 30.0, 1e3, 1e4, 1e6])
ts = f32([-1e3, -30.0, -3.0, -1.0, -0.1, 0.0, 0.2, 1.5, 4.0, 50.0, 1e3])
df = np.repeat(dfs, len(ts))
t = np.tile(ts, len(dfs))
dump("betainc.json", {
    "a": a.tolist(),
    "b": b.tolist(),
    "x": x.tolist(),
    "betainc": special.betainc(a, b, x).tolist(),
    "density": stats.beta(a, b).pdf(x).tolist(),
    "df": df.tolist(),
    "t": t.tolist(),
    "studentTCdf": stats.t(df).cdf(t).tolist(),
})
