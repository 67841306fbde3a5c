#!/usr/bin/env python3
"""High-precision references (mpmath, 50 digits) for the continuous Bernoulli distribution
(test/fixtures/continuous-bernoulli.json): log-density, cdf, mean, variance and entropy from
the definition p(x) = C λ^x (1 − λ)^(1−x) on [0, 1] by quadrature, at float32 logits from
−60 to 60 and near 0, where the closed forms cancel."""
import mpmath as mp
import numpy as np

from fixture_io import dump, f32

mp.mp.dps = 50
logits = f32([-60.0, -8.0, -1.0, -0.05, -1e-5, 0.0, 1e-3, 0.3, 2.0, 15.0, 60.0])
xs = f32([0.0, 1e-4, 0.2, 0.5, 0.9, 1.0])
cases = []
for eta in logits:
    eta_m = mp.mpf(float(eta))
    kernel = lambda x: mp.exp(eta_m * x)  # ∝ λ^x (1 − λ)^(1−x)
    z = mp.quad(kernel, [0, 1])
    log_p = [float(eta_m * mp.mpf(float(x)) - mp.log(z)) for x in xs]
    cdf = [float(mp.quad(kernel, [0, mp.mpf(float(x))]) / z) for x in xs]
    mean = mp.quad(lambda x: x * kernel(x), [0, 1]) / z
    second = mp.quad(lambda x: x * x * kernel(x), [0, 1]) / z
    entropy = -mp.quad(lambda x: kernel(x) / z * (eta_m * x - mp.log(z)), [0, 1])
    cases.append({"logits": float(eta), "x": xs.tolist(), "logProb": log_p, "cdf": cdf,
                  "mean": float(mean), "variance": float(second - mean * mean), "entropy": float(entropy)})
dump("continuous-bernoulli.json", cases)
