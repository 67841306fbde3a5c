#!/usr/bin/env python3
"""Float64 references for Poisson and Binomial (test/fixtures/counts.json): scipy's logpmf, cdf,
entropy, mean and variance at rates from 1e-6 to 1e6 and trials up to 1e6, at counts across the
bulk and into both tails."""
import numpy as np
from scipy import stats

from fixture_io import dump, f32


def counts_around(d, low=0):
    qs = [1e-9, 1e-4, 0.1, 0.5, 0.9, 1 - 1e-4, 1 - 1e-9]
    ks = sorted({max(low, int(d.ppf(q))) for q in qs} | {low})
    return [float(k) for k in ks]


def lattice_entropy(d, n):
    """−Σ p log p over the support (up to n), in float64 (scipy's entropy() sums with a tolerance that stalls at n = 1e6)."""
    lp = d.logpmf(np.arange(n + 1))
    lp = lp[np.isfinite(lp)]
    return float(-np.sum(np.exp(lp) * lp))


poisson = []
for rate in f32([1e-6, 0.3, 4.0, 9.99, 10.0, 37.5, 1e3, 1e6]):
    d = stats.poisson(rate)
    k = counts_around(d)
    poisson.append({"rate": float(rate), "k": k, "logProb": d.logpmf(k).tolist(), "cdf": d.cdf(k).tolist(),
                    "entropy": lattice_entropy(d, int(rate + 50 * np.sqrt(rate) + 100)), "mean": float(d.mean()), "variance": float(d.var())})

binomial = []
for n, p in [(1, 0.3), (10, 0.5), (20, 1e-4), (50, 0.97), (1000, 0.02), (1000, 0.5), (1_000_000, 0.3), (0, 0.4)]:
    p = float(f32([p])[0])
    logits = float(f32([np.log(p) - np.log1p(-p)])[0])
    p = 1 / (1 + np.exp(-logits))  # the float32 logits the tests feed define p
    d = stats.binom(n, p)
    k = counts_around(d) + [float(n)]
    k = sorted(set(k))
    binomial.append({"totalCount": n, "logits": logits, "k": k, "logProb": d.logpmf(k).tolist(),
                     "entropy": lattice_entropy(d, n), "mean": float(d.mean()), "variance": float(d.var())})

dump("counts.json", {"poisson": poisson, "binomial": binomial})
