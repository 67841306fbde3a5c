#!/usr/bin/env python3
"""Float64 references for the tests: `npm run fixtures` rewrites test/fixtures/*.json.

Inputs are rounded to float32 first, so the references are exact answers
for the float32 values the tests feed to tfjs.
"""
import numpy as np
from scipy.special import logsumexp

from fixture_io import dump, f32






def normal_fixtures():
    from scipy import integrate, stats

    locs = f32([0.0, 3.0, -2.0, 0.5, 1e3, -7.0])
    scales = f32([1.0, 1e-3, 1e3, 0.25, 2.0, 30.0])
    # values at 0, ±1, ±10 and ±40 standard deviations from each loc
    offsets = np.array([0.0, 1.0, -1.0, 10.0, -10.0, 40.0, -40.0])
    x = f32(locs[:, None] + offsets[None, :] * scales[:, None])
    log_prob = stats.norm.logpdf(x, locs[:, None], scales[:, None])
    cdf = stats.norm.cdf(x[:, :5], locs[:, None], scales[:, None])
    p = f32([1e-30, 1e-10, 1e-4, 0.025, 0.3, 0.5, 0.7, 0.975, 0.9999])
    icdf = stats.norm.ppf(p)
    # KL by quadrature, independent of the closed form
    pairs = [((0.0, 1.0), (1.0, 2.0)), ((0.5, 0.1), (-0.5, 3.0)), ((2.0, 5.0), (2.0, 5.0)), ((0.0, 1e-2), (0.0, 1.0))]
    kls = []
    for (mp, sp), (mq, sq) in pairs:
        f = lambda t: stats.norm.pdf(t, mp, sp) * (stats.norm.logpdf(t, mp, sp) - stats.norm.logpdf(t, mq, sq))
        kls.append(integrate.quad(f, mp - 40 * sp, mp + 40 * sp, epsabs=1e-13, epsrel=1e-12, limit=400)[0])
    return {
        "loc": locs.tolist(), "scale": scales.tolist(), "x": x.tolist(), "logProb": log_prob.tolist(),
        "cdf": cdf.tolist(), "p": p.tolist(), "icdf": icdf.tolist(),
        "klPairs": [[list(a), list(b)] for a, b in pairs], "kl": kls,
    }


def main():
    tiny = [1e-30, 1e-12, 1e-7, -1e-7, 3e-5, -3e-5, 9.9e-3, -9.9e-3]
    medium = [0.0101, -0.0101, 0.1, -0.3, 0.5, -0.5, 0.9, -0.9, -0.999]
    large = [1.0, 2.5, 10.0, 1e3, 1e6, 1e20, 3e38]
    x = f32(tiny + medium + large)
    log1p = {"x": x.tolist(), "log1p": np.log1p(x).tolist()}

    e = f32([1e-30, 1e-7, -1e-7, 5e-3, -5e-3, 0.0102, -0.0102, 0.3, -0.3, 0.99, -0.99, 1.5, -1.5, 10.0, -20.0, 60.0])
    expm1 = {"x": e.tolist(), "expm1": np.expm1(e).tolist()}

    s = f32([-200.0, -60.0, -40.0, -10.0, -1.0, -1e-4, 0.0, 1e-4, 1.0, 10.0, 40.0, 60.0, 200.0])
    softplus = {"x": s.tolist(), "softplus": np.logaddexp(0.0, s).tolist(), "sigmoid": (1.0 / (1.0 + np.exp(-s))).tolist()}

    m = f32([-1e-30, -1e-7, -1e-3, -0.1, -0.5, -0.69, -0.7, -1.0, -5.0, -20.0, -50.0, -100.0])
    # float64 log(-expm1(m)) rounds to 0 far below 0: use log1p(-exp(m)) there.
    ref = np.where(m > -np.log(2), np.log(-np.expm1(m)), np.log1p(-np.exp(m)))
    log1mexp = {"x": m.tolist(), "log1mExp": ref.tolist(), "grad": (-np.exp(m) / -np.expm1(m)).tolist()}

    rows = [
        f32([0.0, 0.0, 0.0]),
        f32([1000.0, 1000.0, -1000.0]),
        f32([-1000.0, -1000.5, -1001.0]),
        f32([-1e5, 0.0, 3.0]),
        f32([80.0, 85.0, 90.0]),
    ]
    lse = {
        "x": [r.tolist() for r in rows],
        "logSumExp": [float(logsumexp(r)) for r in rows],
        "softmax": [np.exp(r - logsumexp(r)).tolist() for r in rows],
    }
    dump("math.json", {"log1p": log1p, "expm1": expm1, "softplus": softplus, "log1mExp": log1mexp, "logSumExp": lse})
    dump("normal.json", normal_fixtures())


if __name__ == "__main__":
    main()
