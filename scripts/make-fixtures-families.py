#!/usr/bin/env python3
"""Float64 references for Exponential, Laplace, LogNormal, HalfNormal and Cauchy
(test/fixtures/families.json): scipy's logpdf, cdf, entropy, mean and variance at float32
parameters and values far into the tails, and KL divergences by quadrature (independent of
the closed forms)."""
import numpy as np
from scipy import integrate, stats

from fixture_io import dump, f32


def family(dist, params, xs, support):
    """params: list of dicts of float32 scalars; xs: per parameter set, points in standard units."""
    out = []
    for p, x in zip(params, xs):
        d = dist(**p)
        x = f32(x)
        mean, var = d.stats("mv")
        out.append({
            "params": {k: float(v) for k, v in p.items()},
            "x": x.tolist(),
            "logProb": [float(v) for v in d.logpdf(x)],
            "cdf": [float(v) for v in d.cdf(x)],
            "entropy": float(d.entropy()),
            "mean": None if not np.isfinite(mean) else float(mean),
            "variance": None if not np.isfinite(var) else float(var),
        })
    return out


def kl(p, q, lo, hi):
    f = lambda t: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)) if p.pdf(t) > 0 else 0.0
    m = p.median()
    # split at the median (the kinks of Laplace, the peak elsewhere); each half may run to infinity
    return sum(integrate.quad(f, a, b, epsabs=1e-12, epsrel=1e-11, limit=1000)[0] for a, b in ((lo, m), (m, hi)))


def expon(rate):
    return stats.expon(scale=1 / rate)


def laplace(loc, scale):
    return stats.laplace(loc=loc, scale=scale)


def lognorm(loc, scale):
    return stats.lognorm(s=scale, scale=np.exp(loc))


def halfnorm(scale):
    return stats.halfnorm(scale=scale)


def cauchy(loc, scale):
    return stats.cauchy(loc=loc, scale=scale)


def f(v):
    return float(np.float32(v))


data = {
    "Exponential": family(
        expon,
        [{"rate": f(1.0)}, {"rate": f(1e-3)}, {"rate": f(250.0)}],
        [[0, 1e-7, 0.5, 1, 5, 40], [0, 1, 1e3, 4e4], [0, 1e-6, 4e-3, 0.16]],
        "nonnegative",
    ),
    "Laplace": family(
        laplace,
        [{"loc": f(0), "scale": f(1)}, {"loc": f(3), "scale": f(1e-3)}, {"loc": f(-50), "scale": f(20)}],
        [[-40, -1, 0, 1e-6, 1, 40], [2.96, 2.999, 3, 3.001, 3.04], [-850, -70, -50, -30, 750]],
        "real",
    ),
    "LogNormal": family(
        lognorm,
        [{"loc": f(0), "scale": f(1)}, {"loc": f(5), "scale": f(0.1)}, {"loc": f(-3), "scale": f(2)}],
        [[1e-17, 0.1, 1, 3, 1e17], [60, 140, 148.4, 160, 400], [1e-30, 1e-3, 0.05, 1, 1e20]],
        "positive",
    ),
    "HalfNormal": family(
        halfnorm,
        [{"scale": f(1)}, {"scale": f(1e-3)}, {"scale": f(30)}],
        [[0, 1e-6, 1, 3, 40], [0, 1e-3, 0.01, 0.04], [0, 30, 300, 1200]],
        "nonnegative",
    ),
    "Cauchy": family(
        cauchy,
        [{"loc": f(0), "scale": f(1)}, {"loc": f(2), "scale": f(1e-3)}, {"loc": f(-5), "scale": f(40)}],
        [[-1e6, -10, -1, 0, 1, 1e6], [1.9, 1.999, 2, 2.001, 2.1], [-1e5, -45, -5, 35, 4e4]],
        "real",
    ),
}
kls = {
    "Exponential": [({"rate": f(1.0)}, {"rate": f(2.0)}), ({"rate": f(0.1)}, {"rate": f(5.0)})],
    "Laplace": [({"loc": f(0), "scale": f(1)}, {"loc": f(1), "scale": f(2)}), ({"loc": f(-2), "scale": f(0.5)}, {"loc": f(1), "scale": f(0.3)})],
    "LogNormal": [({"loc": f(0), "scale": f(1)}, {"loc": f(0.5), "scale": f(2)}), ({"loc": f(1), "scale": f(0.3)}, {"loc": f(0), "scale": f(1)})],
    "HalfNormal": [({"scale": f(1)}, {"scale": f(2)}), ({"scale": f(3)}, {"scale": f(0.5)})],
    "Cauchy": [({"loc": f(0), "scale": f(1)}, {"loc": f(1), "scale": f(2)}), ({"loc": f(-3), "scale": f(0.5)}, {"loc": f(2), "scale": f(4)})],
}
makers = {"Exponential": expon, "Laplace": laplace, "LogNormal": lognorm, "HalfNormal": halfnorm, "Cauchy": cauchy}
kl_out = {}
for name, pairs in kls.items():
    rows = []
    for a, b in pairs:
        p, q = makers[name](**a), makers[name](**b)
        lo, hi = p.ppf(1e-15), p.ppf(1 - 1e-15)
        if name == "Cauchy":
            # heavy tails: integrate on the whole line (quad maps it to a finite interval)
            lo, hi = -np.inf, np.inf
        rows.append({"p": a, "q": b, "kl": kl(p, q, lo, hi)})
    kl_out[name] = rows
dump("families.json", {"families": data, "kl": kl_out})


def special_value(v):
    """A float, or 'NaN' / 'Infinity' (strict JSON has neither)."""
    return "NaN" if np.isnan(v) else "Infinity" if np.isinf(v) else float(v)


def student_t_fixtures():
    cases = []
    for df, loc, scale in [(0.5, 0.0, 1.0), (1.0, 2.0, 0.5), (3.0, 0.0, 1.0), (30.0, -1.0, 3.0), (1e6, 0.0, 2.0)]:
        df, loc, scale = map(float, f32([df, loc, scale]))
        d = stats.t(df, loc=loc, scale=scale)
        x = f32(loc + scale * np.array([0.0, 0.5, -2.0, 10.0, -40.0, 1e4]))
        mean, var = d.stats("mv")
        cases.append({"df": df, "loc": loc, "scale": scale, "x": x.tolist(), "logProb": d.logpdf(x).tolist(), "entropy": float(d.entropy()),
                      "mean": special_value(mean), "variance": special_value(var)})
    return cases


dump("student-t.json", student_t_fixtures())
