#!/usr/bin/env python3
"""Float64 references for KL divergences across families and for Poisson and Binomial
(test/fixtures/kl-cross.json): KL(p ‖ q) = ∫ p log(p / q) by adaptive quadrature (scipy), or
summed over p's support for the counts."""
import numpy as np
from scipy import integrate, special, stats

from fixture_io import dump, f32


class ContinuousBernoulli:
    """Loaiza-Ganem & Cunningham's density C(λ) λ^x (1 − λ)^(1 − x) on [0, 1], from logits η."""

    def __init__(self, logits):
        self.eta = logits
        lam = special.expit(logits)
        self.log_c = np.log(2 * np.arctanh(1 - 2 * lam) / (1 - 2 * lam)) if abs(logits) > 1e-6 else np.log(2.0)
        self.log_lam, self.log_1m = -np.logaddexp(0, -logits), -np.logaddexp(0, logits)

    def logpdf(self, x):
        return self.log_c + x * self.log_lam + (1 - x) * self.log_1m

    def pdf(self, x):
        return np.exp(self.logpdf(x))

    def support(self):
        return 0.0, 1.0


def make(family, params):
    params = [float(v) for v in f32(params)]
    if family == "Normal":
        return stats.norm(params[0], params[1])
    if family == "Laplace":
        return stats.laplace(params[0], params[1])
    if family == "Exponential":
        return stats.expon(scale=1 / params[0])
    if family == "Gamma":
        return stats.gamma(params[0], scale=1 / params[1])
    if family == "Beta":
        return stats.beta(params[0], params[1])
    if family == "Uniform":
        return stats.uniform(params[0], params[1] - params[0])
    if family == "ContinuousBernoulli":
        return ContinuousBernoulli(params[0])
    raise ValueError(family)


def kl_quad(p, q):
    lo, hi = p.support()
    lo, hi = max(lo, -1e3), min(hi, 1e3)
    def g(t):
        lp = p.logpdf(t)
        return 0.0 if not np.isfinite(lp) else np.exp(lp) * (lp - q.logpdf(t))
    if hasattr(p, "ppf"):
        lo, hi = max(lo, p.ppf(1e-15)), min(hi, p.ppf(1 - 1e-15))
    mid = (lo + hi) / 2 if not hasattr(p, "median") else p.median()
    return integrate.quad(g, lo, hi, points=[mid], epsabs=1e-13, epsrel=1e-11, limit=4000)[0]


continuous = []
for (pf, pp), (qf, qp) in [
    (("Beta", [2.0, 3.0]), ("Normal", [0.3, 0.5])),
    (("ContinuousBernoulli", [1.3]), ("Normal", [0.6, 0.2])),
    (("Exponential", [1.5]), ("Normal", [-0.2, 2.0])),
    (("Gamma", [3.0, 2.0]), ("Normal", [1.0, 1.5])),
    (("Laplace", [0.5, 0.8]), ("Normal", [0.0, 1.2])),
    (("Beta", [0.7, 1.8]), ("Exponential", [2.0])),
    (("ContinuousBernoulli", [-2.0]), ("Exponential", [0.5])),
    (("Gamma", [2.5, 1.2]), ("Exponential", [0.7])),
    (("Uniform", [0.5, 3.0]), ("Exponential", [1.1])),
    (("Beta", [2.0, 5.0]), ("Gamma", [1.5, 4.0])),
    (("Exponential", [0.8]), ("Gamma", [0.9, 0.6])),
    (("Uniform", [0.0, 2.0]), ("Gamma", [2.0, 1.0])),
    (("Uniform", [0.2, 1.7]), ("Gamma", [0.5, 0.3])),
    (("Beta", [3.0, 1.5]), ("ContinuousBernoulli", [0.8])),
    (("Uniform", [0.1, 0.7]), ("ContinuousBernoulli", [-1.5])),
    (("ContinuousBernoulli", [2.5]), ("ContinuousBernoulli", [-0.5])),
    (("Uniform", [0.2, 0.9]), ("Beta", [2.0, 1.5])),
    (("Uniform", [0.0, 1.0]), ("Beta", [0.5, 0.5])),
    (("Normal", [0.3, 0.7]), ("Laplace", [-0.4, 1.1])),
    (("Normal", [2.0, 0.5]), ("Laplace", [2.0, 0.3])),
]:
    p, q = make(pf, pp), make(qf, qp)
    continuous.append({"p": pf, "pParams": [float(v) for v in f32(pp)], "q": qf, "qParams": [float(v) for v in f32(qp)], "kl": kl_quad(p, q)})

counts = []
for (lp_, lq_) in [(0.5, 3.0), (40.0, 31.5), (1e-3, 2.0)]:
    a, b = map(float, f32([lp_, lq_]))
    k = np.arange(0, int(a + 60 * np.sqrt(a) + 200))
    pm = stats.poisson(a).logpmf(k)
    counts.append({"p": "Poisson", "pParams": [a], "q": "Poisson", "qParams": [b],
                   "kl": float(np.sum(np.exp(pm) * (pm - stats.poisson(b).logpmf(k))))})
for (n, pl), (m, ql) in [((10, 0.4), (10, -1.2)), ((7, 1.0), (12, 0.3)), ((300, -2.0), (300, -1.9)), ((30, 0.2), (100, -1.0))]:
    pl, ql = map(float, f32([pl, ql]))
    k = np.arange(0, n + 1)
    pm = stats.binom(n, special.expit(pl)).logpmf(k)
    qm = stats.binom(m, special.expit(ql)).logpmf(k)
    counts.append({"p": "Binomial", "pParams": [n, pl], "q": "Binomial", "qParams": [m, ql], "kl": float(np.sum(np.exp(pm) * (pm - qm)))})
for probs, rate in [(0.3, 0.5), (0.9, 2.0)]:
    probs, rate = map(float, f32([probs, rate]))
    k = np.array([0, 1])
    pm = np.log([1 - probs, probs])
    counts.append({"p": "Bernoulli", "pParams": [probs], "q": "Poisson", "qParams": [rate],
                   "kl": float(np.sum(np.exp(pm) * (pm - stats.poisson(rate).logpmf(k))))})

dump("kl-cross.json", {"continuous": continuous, "counts": counts})
