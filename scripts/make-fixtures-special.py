#!/usr/bin/env python3
"""Float64 references for the special functions (test/fixtures/special.json): scipy's
gammaln, digamma, polygamma(1, ·) and betaln at float32 inputs, from 1e-30 to 1e10, the
negative half-axis and the poles."""
import numpy as np
from scipy import special

from fixture_io import dump, f32

x = f32([1e-30, 1e-10, 1e-6, 1e-3, 0.01, 0.1, 0.3, 0.5, 0.9, 1.0, 1.4616321, 1.5, 2.0, 2.5, 3.0, 4.7, 6.9, 7.0,
         7.1, 10.0, 25.5, 100.0, 1234.5, 1e5, 1e6, 3e7, 1e10,
         -0.5, -1.5, -2.3, -3.7, -10.25, -0.999, -1e-3])
poles = f32([0.0, -1.0, -2.0, -7.0])
a = f32([1e-8, 1e-3, 0.5, 1.0, 1.0, 2.5, 3.0, 7.9, 8.0, 0.01, 1e-8, 5.0, 30.0, 1e3, 1e6, 1e6, 2.0])
b = f32([1e-8, 1e-3, 0.5, 1.0, 1e6, 3.5, 50.0, 1e3, 8.0, 100.0, 1e5, 7.99, 30.0, 1e3, 1e6, 1.0, 1e6])


def clean(values):
    return [None if np.isnan(v) else ("Infinity" if v == np.inf else "-Infinity" if v == -np.inf else float(v)) for v in values]


dump("special.json", {
    "x": x.tolist(),
    "lgamma": special.gammaln(x).tolist(),
    "digamma": special.digamma(x).tolist(),
    "trigamma": clean(special.polygamma(1, x)),
    "poles": poles.tolist(),
    "lgammaPoles": clean(special.gammaln(poles)),
    "digammaPoles": clean(special.digamma(poles)),
    "a": a.tolist(),
    "b": b.tolist(),
    "lbeta": special.betaln(a, b).tolist(),
    "dlbetaDa": (special.digamma(a) - special.digamma(a + b)).tolist(),
})
