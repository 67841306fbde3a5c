#!/usr/bin/env python3
"""Float64 references for the Bernoulli and Categorical tests: writes test/fixtures/discrete.json.

Inputs are rounded to float32 first, so the references are exact answers
for the float32 values the tests feed to tfjs. Bernoulli uses scipy.special's
log_expit, accurate in float64 for every logit; the categorical log-softmax
of logits far apart (a probability of 1 - 1e-26) is not representable in
float64, so the categorical references are computed by mpmath at 50 digits
and checked against scipy where float64 suffices. No infinities: JSON has
none, and the tests cover them with exact values.
"""
import mpmath
import numpy as np
from scipy import special, stats

from fixture_io import dump, f32

mpmath.mp.dps = 50





def bernoulli_kl(lp, lq):
    """KL and the standard deviation of log p(x) - log q(x) under p, from log-sigmoids."""
    p1, p0 = special.expit(lp), special.expit(-lp)
    r1 = special.log_expit(lp) - special.log_expit(lq)
    r0 = special.log_expit(-lp) - special.log_expit(-lq)
    kl = p1 * r1 + p0 * r0
    return kl, np.sqrt(p1 * (r1 - kl) ** 2 + p0 * (r0 - kl) ** 2)


def bernoulli_fixtures():
    logits = f32([-60.0, -20.0, -5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0, 20.0, 60.0])
    log_p1, log_p0 = special.log_expit(logits), special.log_expit(-logits)
    p1, p0 = special.expit(logits), special.expit(-logits)
    entropy = -(p1 * log_p1 + p0 * log_p0)
    # scipy.stats agrees where float64 probabilities are not saturated
    moderate = np.abs(logits) <= 5
    assert np.allclose(stats.bernoulli.entropy(p1[moderate]), entropy[moderate], rtol=1e-12, atol=0)
    assert np.allclose(stats.bernoulli.logpmf(1, p1[moderate]), log_p1[moderate], rtol=1e-12)

    probs = f32([1e-7, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 2.0**-24])
    pairs = [(0.0, 0.0), (2.0, -1.0), (-1.0, 2.0), (60.0, -60.0), (-60.0, 60.0), (60.0, 60.0), (-20.0, -19.0), (5.0, -5.0), (1e-3, 0.0), (-60.0, 0.0)]
    lp, lq = f32([a for a, _ in pairs]), f32([b for _, b in pairs])
    kl, sd = bernoulli_kl(lp, lq)
    # independent check: KL of two-point distributions by scipy.stats.entropy where float64 suffices
    for i in range(len(pairs)):
        if abs(lp[i]) <= 20 and abs(lq[i]) <= 20:
            ref = stats.entropy([p1_ := special.expit(lp[i]), 1 - p1_], [special.expit(lq[i]), special.expit(-lq[i])])
            assert abs(ref - kl[i]) <= 1e-12 + 1e-9 * abs(kl[i]), (pairs[i], ref, kl[i])
    return {
        "logits": logits.tolist(),
        "logProb1": log_p1.tolist(),
        "logProb0": log_p0.tolist(),
        "entropy": entropy.tolist(),
        "mean": p1.tolist(),
        "variance": (p1 * p0).tolist(),
        "probs": probs.tolist(),
        "logitsFromProbs": special.logit(probs).tolist(),
        "logProb1FromProbs": np.log(probs).tolist(),
        "logProb0FromProbs": np.log1p(-probs).tolist(),
        "klLogitsP": lp.tolist(),
        "klLogitsQ": lq.tolist(),
        "kl": kl.tolist(),
        "klLogRatioSd": sd.tolist(),
    }


def mp_log_softmax(row):
    xs = [mpmath.mpf(float(v)) for v in row]
    lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in xs))
    return [v - lse for v in xs]


def categorical_fixtures():
    logits = [
        f32([0.0, 0.0, 0.0, 0.0]),
        f32([1.0, 2.0, 3.0, 4.0]),
        f32([60.0, -60.0, 0.0, 1.0]),
        f32([-60.0, 60.0, -60.0, -60.0]),
        f32([-1e5, 0.0, 1.0, 2.0]),
        f32([0.5, -0.25, 3.0, -2.0]),
        f32([1000.0, 1001.0, 999.0, 1000.5]),
    ]
    log_probs, probs, entropy = [], [], []
    for row in logits:
        lsm = mp_log_softmax(row)
        log_probs.append([float(v) for v in lsm])
        probs.append([float(mpmath.exp(v)) for v in lsm])
        entropy.append(float(-mpmath.fsum(mpmath.exp(v) * v for v in lsm)))
        if np.ptp(row) <= 10:
            assert np.allclose(special.log_softmax(row), log_probs[-1], rtol=1e-12, atol=1e-12)
            assert abs(stats.entropy(special.softmax(row)) - entropy[-1]) <= 1e-12

    given_probs = [f32([0.1, 0.2, 0.3, 0.4]), f32([0.25, 0.25, 0.25, 0.25]), f32([0.97, 0.01, 0.01, 0.01])]
    pairs = [
        ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
        ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]),
        ([0.0, 0.0, 0.0], [60.0, -60.0, 0.0]),
        ([60.0, -60.0, 0.0], [0.0, 0.0, 0.0]),
        ([-1e5, 0.0, 1.0], [0.0, 0.0, -5.0]),
        ([0.5, -0.25, 3.0], [0.5, -0.25, 3.0]),
    ]
    kl, sd = [], []
    for a, b in pairs:
        lp, lq = mp_log_softmax(f32(a)), mp_log_softmax(f32(b))
        ratio = [x - y for x, y in zip(lp, lq)]
        value = mpmath.fsum(mpmath.exp(x) * r for x, r in zip(lp, ratio))
        kl.append(float(value))
        sd.append(float(mpmath.sqrt(mpmath.fsum(mpmath.exp(x) * (r - value) ** 2 for x, r in zip(lp, ratio)))))
        if np.ptp(a) <= 10 and np.ptp(b) <= 10:
            assert abs(stats.entropy(special.softmax(f32(a)), special.softmax(f32(b))) - kl[-1]) <= 1e-12
    return {
        "logits": [r.tolist() for r in logits],
        "logProbs": log_probs,
        "probs": probs,
        "entropy": entropy,
        "givenProbs": [r.tolist() for r in given_probs],
        "logOfGivenProbs": [np.log(r).tolist() for r in given_probs],
        "klLogitsP": [f32(a).tolist() for a, _ in pairs],
        "klLogitsQ": [f32(b).tolist() for _, b in pairs],
        "kl": kl,
        "klLogRatioSd": sd,
    }


def main():
    dump("discrete.json", {"bernoulli": bernoulli_fixtures(), "categorical": categorical_fixtures()})


if __name__ == "__main__":
    main()
