#!/usr/bin/env python3
"""Float64 references for the regularized incomplete gamma function and the Gamma
distribution (test/fixtures/gamma.json): scipy's gammainc and its derivative in the shape
(central differences in float64), at shapes 1e-3..1e3 and x at quantiles from 1e-6 to 1 − 1e-6."""
import numpy as np
from scipy import special, stats

from fixture_io import dump, f32

shapes = f32([1e-3, 0.01, 0.1, 0.5, 1.0, 2.5, 10.0, 100.0, 1000.0])
quantiles = [1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6]
a, x = [], []
for s in shapes:
    for q in quantiles:
        v = f32([stats.gamma(s).ppf(q)])[0]
        if v > 0:
            a.append(float(s))
            x.append(float(v))
a, x = np.array(a), np.array(x)
h = 1e-5
dpda = (special.gammainc(a * (1 + h), x) - special.gammainc(a * (1 - h), x)) / (2 * a * h)
dump("gamma.json", {
    "a": a.tolist(),
    "x": x.tolist(),
    "p": special.gammainc(a, x).tolist(),
    "dpda": dpda.tolist(),
    "dpdx": stats.gamma(a).pdf(x).tolist(),
})


def family_fixtures():
    """Gamma, Beta and Dirichlet: logpdf, entropy, mean, variance at extreme parameters; KL by quadrature."""
    from scipy import integrate

    gamma_cases = []
    for a, b in [(1e-3, 1.0), (0.5, 2.0), (1.0, 1.0), (3.0, 0.5), (1e4, 1e2)]:
        a, b = map(float, f32([a, b]))
        d = stats.gamma(a, scale=1 / b)
        x = f32([d.ppf(q) for q in (1e-4, 0.1, 0.5, 0.9, 1 - 1e-6)])
        x = x[x > 0]
        gamma_cases.append({"concentration": a, "rate": b, "x": x.tolist(), "logProb": d.logpdf(x).tolist(), "cdf": d.cdf(x).tolist(),
                            "entropy": float(d.entropy()), "mean": float(d.mean()), "variance": float(d.var())})
    beta_cases = []
    for a, b in [(0.01, 0.01), (0.5, 0.5), (1.0, 1.0), (2.0, 5.0), (100.0, 0.3), (1e3, 1e3)]:
        a, b = map(float, f32([a, b]))
        d = stats.beta(a, b)
        x = f32([1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6])
        beta_cases.append({"concentration1": a, "concentration0": b, "x": x.tolist(), "logProb": d.logpdf(x).tolist(),
                           "entropy": float(d.entropy()), "mean": float(d.mean()), "variance": float(d.var())})
    rng = np.random.default_rng(0)
    dirichlet_cases = []
    for alpha in [f32([0.5, 0.5, 0.5]), f32([1.0, 2.0, 3.0, 4.0]), f32(rng.uniform(0.1, 5.0, 100))]:
        d = stats.dirichlet(alpha)
        x = f32(rng.dirichlet(np.maximum(alpha, 0.5), size=3))
        x = x / x.sum(axis=1, keepdims=True)
        x = f32(x)
        dirichlet_cases.append({"concentration": alpha.tolist(), "x": x.tolist(),
                                "logProb": [float(d.logpdf(np.clip(row, 1e-300, None) / np.clip(row, 1e-300, None).sum())) for row in x],
                                "entropy": float(d.entropy()), "mean": d.mean().tolist(), "variance": d.var().tolist()})

    def kl_quad(p, q, lo, hi, points=()):
        g = lambda t: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)) if p.pdf(t) > 0 else 0.0
        return integrate.quad(g, lo, hi, points=list(points) or None, epsabs=1e-12, epsrel=1e-10, limit=2000)[0]

    gamma_kl = []
    for (a1, b1), (a2, b2) in [((2.0, 1.0), (3.0, 2.0)), ((0.5, 0.5), (1.5, 1.0)), ((50.0, 5.0), (40.0, 4.0))]:
        p, q = stats.gamma(a1, scale=1 / b1), stats.gamma(a2, scale=1 / b2)
        gamma_kl.append({"p": [a1, b1], "q": [a2, b2], "kl": kl_quad(p, q, 0, p.ppf(1 - 1e-14), [p.median()])})
    beta_kl = []
    for (a1, b1), (a2, b2) in [((2.0, 3.0), (1.0, 1.0)), ((10.0, 10.0), (16.0, 14.0)), ((0.7, 1.5), (3.0, 0.8))]:
        p, q = stats.beta(a1, b1), stats.beta(a2, b2)
        beta_kl.append({"p": [a1, b1], "q": [a2, b2], "kl": kl_quad(p, q, 0, 1, [p.median()])})
    return {"gamma": gamma_cases, "beta": beta_cases, "dirichlet": dirichlet_cases, "gammaKL": gamma_kl, "betaKL": beta_kl}


dump("gamma-family.json", family_fixtures())
