#!/usr/bin/env python3
"""Float64 references for Uniform, Independent and MixtureSameFamily: writes test/fixtures/uniform-mixture.json.

Inputs are rounded to float32 first, so the references are exact answers
for the float32 values the tests feed to tfjs. KL divergences with no
closed form in the tests are integrated numerically (scipy.integrate.quad).
"""
import numpy as np
from scipy import integrate, stats
from scipy.special import log_softmax, logsumexp

from fixture_io import dump, f32




def finite_or_null(data):
    """JSON has no infinities: they become null (each test knows the sign it expects)."""
    if isinstance(data, dict):
        return {k: finite_or_null(v) for k, v in data.items()}
    if isinstance(data, list):
        return [finite_or_null(v) for v in data]
    return None if isinstance(data, float) and not np.isfinite(data) else data




def quad(f, a, b, points=None):
    return integrate.quad(f, a, b, points=points, epsabs=1e-13, epsrel=1e-12, limit=1000)[0]


def kl_and_sd(logp, logq, a, b, points=None):
    """KL(p ‖ q) and the standard deviation of log p − log q under p, by quadrature on [a, b]."""
    ratio = lambda t: logp(t) - logq(t)
    kl = quad(lambda t: np.exp(logp(t)) * ratio(t), a, b, points)
    second = quad(lambda t: np.exp(logp(t)) * ratio(t) ** 2, a, b, points)
    return kl, float(np.sqrt(max(second - kl**2, 0.0)))


def uniform_fixtures():
    low = f32([0.0, -1.0, 2.5, -1e3, 1e-3])
    high = f32([1.0, 1.0, 2.75, 1e3, 2e-3])
    width = high - low
    # both bounds, the midpoint and a point inside, then two points outside
    x = f32(np.stack([low, high, (low + high) / 2, low + 0.1 * width, low - 0.1 * width, high + 0.5 * width], axis=1))
    dist = stats.uniform(loc=low[:, None], scale=(high - low)[:, None])
    u_u = [((0.0, 1.0), (-1.0, 2.0)), ((-1.0, 1.0), (-1.0, 1.0)), ((0.5, 0.75), (0.0, 10.0)), ((0.0, 2.0), (1.0, 3.0)), ((0.0, 1.0), (2.0, 3.0))]
    kl_uu = []
    for (lp, hp), (lq, hq) in u_u:
        if lq <= lp and hp <= hq:
            kl_uu.append(quad(lambda t: stats.uniform.pdf(t, lp, hp - lp) * (stats.uniform.logpdf(t, lp, hp - lp) - stats.uniform.logpdf(t, lq, hq - lq)), lp, hp))
        else:
            kl_uu.append(float("inf"))
    # Uniform ‖ Normal: cross-entropy minus entropy, integrated over [low, high]
    u_n = [((0.0, 1.0), (0.0, 1.0)), ((-2.0, 3.0), (1.0, 0.5)), ((10.0, 10.5), (0.0, 2.0)), ((-1e-2, 1e-2), (0.0, 1.0)), ((-40.0, 40.0), (5.0, 30.0))]
    kl_un, sd_un = [], []
    for (l, h), (m, s) in u_n:
        l, h, m, s = (float(v) for v in f32([l, h, m, s]))
        k, sd = kl_and_sd(lambda t: -np.log(h - l) + 0 * t, lambda t: stats.norm.logpdf(t, m, s), l, h)
        kl_un.append(k)
        sd_un.append(sd)
    return {
        "low": low.tolist(), "high": high.tolist(), "x": x.tolist(),
        "logProb": dist.logpdf(x).tolist(), "cdf": dist.cdf(x).tolist(),
        "entropy": stats.uniform(loc=low, scale=high - low).entropy().tolist(),
        "mean": ((low + high) / 2).tolist(), "variance": ((high - low) ** 2 / 12).tolist(),
        "klUniformPairs": [[list(a), list(b)] for a, b in u_u], "klUniform": kl_uu,
        "klNormalPairs": [[list(a), list(b)] for a, b in u_n], "klNormal": kl_un, "klNormalSd": sd_un,
    }


def independent_fixtures():
    loc = f32([[0.0, 1.0], [-2.0, 0.5], [3.0, -4.0]])
    scale = f32([[1.0, 0.5], [2.0, 0.1], [1e-2, 3.0]])
    x = f32([[[0.3, 1.2], [-1.0, 0.4], [3.01, 0.0]], [[-2.0, 0.0], [5.0, 0.55], [2.99, -10.0]]])
    log_prob = stats.norm.logpdf(x, loc, scale).sum(axis=-1)
    entropy = stats.norm(loc, scale).entropy().sum(axis=-1)
    q_loc = f32([[0.5, 1.0], [-2.0, 0.0], [2.0, -4.0]])
    q_scale = f32([[2.0, 0.5], [1.0, 1.0], [1.0, 2.0]])
    kl, var = np.zeros(loc.shape), np.zeros(loc.shape)
    for i in range(loc.shape[0]):
        for j in range(loc.shape[1]):
            mp, sp, mq, sq = loc[i, j], scale[i, j], q_loc[i, j], q_scale[i, j]
            k, sd = kl_and_sd(lambda t: stats.norm.logpdf(t, mp, sp), lambda t: stats.norm.logpdf(t, mq, sq), mp - 40 * sp, mp + 40 * sp)
            kl[i, j], var[i, j] = k, sd**2
    return {
        "loc": loc.tolist(), "scale": scale.tolist(), "x": x.tolist(), "logProb": log_prob.tolist(), "entropy": entropy.tolist(),
        "qLoc": q_loc.tolist(), "qScale": q_scale.tolist(), "kl": kl.sum(axis=-1).tolist(),
        # the standard deviation under p of the summed log-ratio (independent terms: variances add)
        "klSd": np.sqrt(var.sum(axis=-1)).tolist(),
    }


def mixture_fixtures():
    # A batch of two mixtures of three Normals.
    logits = f32([[0.0, 1.0, -0.5], [2.0, -1.0, 0.0]])
    loc = f32([[-10.0, 0.0, 10.0], [1.0, 1.5, -3.0]])
    scale = f32([[1.0, 0.5, 2.0], [0.5, 3.0, 1.0]])
    log_w = log_softmax(logits, axis=-1)
    w = np.exp(log_w)
    x = f32([-30.0, -10.5, -3.0, 0.0, 0.25, 1.0, 8.0, 40.0])
    log_prob = logsumexp(log_w + stats.norm.logpdf(x[:, None, None], loc, scale), axis=-1)
    mean = (w * loc).sum(-1)
    variance = (w * (scale**2 + loc**2)).sum(-1) - mean**2
    # Probability that the first mixture draws below -5, in (-5, 5) and above 5.
    cdf = lambda t: (w[0] * stats.norm.cdf(t, loc[0], scale[0])).sum()
    regions = [cdf(-5.0), cdf(5.0) - cdf(-5.0), 1 - cdf(5.0)]

    # KL(first mixture ‖ N(0.5, 2²)): no closed form, integrated.
    q_loc, q_scale = 0.5, 2.0
    mix_logpdf = lambda t: logsumexp(log_w[0] + stats.norm.logpdf(t, loc[0], scale[0]))
    kl, sd = kl_and_sd(mix_logpdf, lambda t: stats.norm.logpdf(t, q_loc, q_scale), -60.0, 60.0, points=list(loc[0]))

    # A mixture of three diagonal Gaussians in two dimensions.
    mv_logits = f32([0.5, -0.5, 0.0])
    mv_loc = f32([[0.0, 0.0], [3.0, -1.0], [-2.0, 4.0]])
    mv_scale = f32([[1.0, 2.0], [0.5, 0.5], [1.5, 0.25]])
    mv_log_w = log_softmax(mv_logits)
    mv_w = np.exp(mv_log_w)
    mv_x = f32([[0.0, 0.0], [3.0, -1.0], [-2.0, 4.1], [10.0, -10.0], [1.0, 1.0]])
    comp = np.stack([stats.multivariate_normal(mv_loc[k], np.diag(mv_scale[k] ** 2)).logpdf(mv_x) for k in range(3)], axis=-1)
    mv_log_prob = logsumexp(mv_log_w + comp, axis=-1)
    mv_mean = (mv_w[:, None] * mv_loc).sum(0)
    mv_variance = (mv_w[:, None] * (mv_scale**2 + mv_loc**2)).sum(0) - mv_mean**2
    return {
        "logits": logits.tolist(), "loc": loc.tolist(), "scale": scale.tolist(), "x": x.tolist(),
        "logProb": log_prob.tolist(), "mean": mean.tolist(), "variance": variance.tolist(), "regions": regions,
        "klNormal": {"loc": q_loc, "scale": q_scale, "kl": kl, "sd": sd},
        "mv": {
            "logits": mv_logits.tolist(), "loc": mv_loc.tolist(), "scale": mv_scale.tolist(), "x": mv_x.tolist(),
            "logProb": mv_log_prob.tolist(), "mean": mv_mean.tolist(), "variance": mv_variance.tolist(),
        },
    }


def main():
    dump("uniform-mixture.json", finite_or_null({"uniform": uniform_fixtures(), "independent": independent_fixtures(), "mixture": mixture_fixtures()}))


if __name__ == "__main__":
    main()
