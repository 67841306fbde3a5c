#!/usr/bin/env python3
"""Float64 references for the multivariate normals and their linear algebra:
`npm run fixtures` rewrites test/fixtures/mvn.json.

Inputs are rounded to float32 first, so the references are exact answers for
the float32 values the tests feed to tfjs. Densities and entropies come from
scipy.stats.multivariate_normal; linear algebra from numpy.linalg and
scipy.linalg; gradients from the analytic formulas, each checked here against
float64 central differences before it is written.
"""
import numpy as np
from scipy import linalg, stats

from fixture_io import dump, f32

DIMS = [1, 2, 5, 16]
LOG_2PI = np.log(2 * np.pi)





def random_tril(rng, d, off=0.3):
    """Lower-triangular with diagonal in [0.5, 2] and N(0, off²) below: condition number about 10."""
    tril = np.tril(rng.normal(0.0, off, (d, d)), -1) + np.diag(rng.uniform(0.5, 2.0, d))
    return f32(tril)


def numerical_grad(f, x, h=1e-6, mask=None):
    """Central differences of a scalar f at x (float64), entry by entry where mask holds."""
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        if mask is not None and not mask[idx]:
            continue
        step = h * max(1.0, abs(x[idx]))
        up, down = x.copy(), x.copy()
        up[idx] += step
        down[idx] -= step
        g[idx] = (f(up) - f(down)) / (2 * step)
    return g


def check_grad(analytic, f, x, mask=None):
    numeric = numerical_grad(f, x, mask=mask)
    scale = max(1.0, np.abs(analytic).max())
    assert np.abs(analytic - numeric).max() < 1e-6 * scale, (analytic, numeric)
    return analytic


def log_prob_tril(x, loc, tril):
    z = linalg.solve_triangular(tril, (x - loc).T, lower=True)
    d = loc.shape[-1]
    return -0.5 * np.sum(z * z, axis=0) - np.sum(np.log(np.diag(tril))) - 0.5 * d * LOG_2PI


def kl_gauss(mp, cp, mq, cq):
    """KL(N(mp, cp) ‖ N(mq, cq)) from covariances: solve and slogdet, no Cholesky."""
    d = mp.shape[-1]
    delta = mq - mp
    trace = np.trace(np.linalg.solve(cq, cp))
    maha = delta @ np.linalg.solve(cq, delta)
    logdet_q = np.linalg.slogdet(cq)[1]
    logdet_p = np.linalg.slogdet(cp)[1]
    return 0.5 * (trace + maha - d + logdet_q - logdet_p)


def kl_log_ratio_sd(lp, mp, lq, mq):
    """Standard deviation of log p(x) − log q(x) for x ~ p: with x = mp + Lp ε, the log-ratio is
    ½ εᵀ(MᵀM − I)ε + cᵀMε + const, M = Lq⁻¹Lp, c = Lq⁻¹(mp − mq), whose variance is
    ½ tr((MᵀM − I)²) + ‖Mᵀc‖²."""
    m = linalg.solve_triangular(lq, lp, lower=True)
    c = linalg.solve_triangular(lq, mp - mq, lower=True)
    a = m.T @ m - np.eye(len(mp))
    return float(np.sqrt(0.5 * np.trace(a @ a) + np.sum((m.T @ c) ** 2)))


def distribution_cases(rng):
    cases = []
    for d in DIMS:
        loc = f32(rng.normal(0.0, 2.0, d))
        tril = random_tril(rng, d)
        scale_diag = f32(rng.uniform(0.3, 3.0, d))
        cov = tril @ tril.T
        unit = rng.normal(size=d)
        unit /= np.linalg.norm(unit)
        # at the mean, two typical points, and 10 and 40 standard deviations out along a direction
        z = np.stack([np.zeros(d), rng.normal(size=d), rng.normal(size=d), 10 * unit, -40 * unit])
        x_tril = f32(loc + z @ tril.T)
        x_diag = f32(loc + z * scale_diag)
        mvn = stats.multivariate_normal(loc, cov)
        diag = stats.multivariate_normal(loc, np.diag(scale_diag**2))
        log_prob = mvn.logpdf(x_tril)
        assert np.allclose(log_prob, log_prob_tril(x_tril, loc, tril), rtol=1e-12, atol=1e-12)

        # gradients of Σ_k log p(x_k) over the three typical points
        xs = x_tril[:3]
        zs = linalg.solve_triangular(tril, (xs - loc).T, lower=True)  # [d, 3]
        w = linalg.solve_triangular(tril.T, zs, lower=False)  # Σ⁻¹(x − loc)
        grad_loc = check_grad(w.sum(axis=1), lambda m: log_prob_tril(xs, m, tril).sum(), loc)
        grad_tril = np.tril(w @ zs.T) - np.diag(3 / np.diag(tril))
        grad_tril = check_grad(grad_tril, lambda t: log_prob_tril(xs, loc, np.tril(t)).sum(), tril, mask=np.tril(np.ones((d, d))) > 0)
        xd = x_diag[:3]
        grad_diag_loc = ((xd - loc) / scale_diag**2).sum(axis=0)
        grad_scale_diag = (((xd - loc) ** 2) / scale_diag**3 - 1 / scale_diag).sum(axis=0)
        diag_lp = lambda m, s: stats.multivariate_normal(m, np.diag(s**2)).logpdf(xd).sum()
        check_grad(grad_diag_loc, lambda m: diag_lp(m, scale_diag), loc)
        check_grad(grad_scale_diag, lambda s: diag_lp(loc, s), scale_diag)

        cases.append({
            "d": d, "loc": loc.tolist(), "scaleTril": tril.tolist(), "scaleDiag": scale_diag.tolist(),
            "xTril": x_tril.tolist(), "logProbTril": log_prob.tolist(), "entropyTril": float(mvn.entropy()),
            "covariance": cov.tolist(), "variance": np.diag(cov).tolist(),
            "xDiag": x_diag.tolist(), "logProbDiag": diag.logpdf(x_diag).reshape(-1).tolist(), "entropyDiag": float(diag.entropy()),
            "gradLogProbTril": {"loc": grad_loc.tolist(), "scaleTril": grad_tril.tolist()},
            "gradLogProbDiag": {"loc": grad_diag_loc.tolist(), "scaleDiag": grad_scale_diag.tolist()},
        })
    return cases


def kl_cases(rng):
    """For each d and each of the four pairs: KL(p ‖ q), its gradients and the sd of the log-ratio."""
    out = []
    lower = lambda d: np.tril(np.ones((d, d))) > 0
    for d in DIMS:
        mp, mq = f32(rng.normal(0.0, 1.0, d)), f32(rng.normal(0.0, 1.0, d))
        lp, lq = random_tril(rng, d, 0.2), random_tril(rng, d, 0.2)
        sp, sq = f32(rng.uniform(0.5, 2.0, d)), f32(rng.uniform(0.5, 2.0, d))
        pairs = {}
        for name, p_scale, q_scale in [("DiagDiag", sp, sq), ("TriLTriL", lp, lq), ("DiagTriL", sp, lq), ("TriLDiag", lp, sq)]:
            as_tril = lambda s: np.diag(s) if s.ndim == 1 else np.tril(s)
            kl_of = lambda m1, s1, m2, s2: kl_gauss(m1, as_tril(s1) @ as_tril(s1).T, m2, as_tril(s2) @ as_tril(s2).T)
            value = kl_of(mp, p_scale, mq, q_scale)
            mask = lambda s: None if s.ndim == 1 else lower(d)
            grads = {
                "locP": numerical_grad(lambda m: kl_of(m, p_scale, mq, q_scale), mp).tolist(),
                "scaleP": numerical_grad(lambda s: kl_of(mp, s, mq, q_scale), p_scale, mask=mask(p_scale)).tolist(),
                "locQ": numerical_grad(lambda m: kl_of(mp, p_scale, m, q_scale), mq).tolist(),
                "scaleQ": numerical_grad(lambda s: kl_of(mp, p_scale, mq, s), q_scale, mask=mask(q_scale)).tolist(),
            }
            # analytic check of the locP gradient: Σq⁻¹(μp − μq)
            cq = as_tril(q_scale) @ as_tril(q_scale).T
            assert np.allclose(grads["locP"], np.linalg.solve(cq, mp - mq), rtol=1e-6, atol=1e-7)
            sd = kl_log_ratio_sd(as_tril(p_scale), mp, as_tril(q_scale), mq)
            pairs[name] = {"kl": float(value), "grad": grads, "logRatioSd": sd}
        out.append({
            "d": d, "locP": mp.tolist(), "locQ": mq.tolist(), "scaleTrilP": lp.tolist(), "scaleTrilQ": lq.tolist(),
            "scaleDiagP": sp.tolist(), "scaleDiagQ": sq.tolist(), "pairs": pairs,
        })
    return out


def linalg_cases(rng):
    chol = []
    for d in DIMS + [64]:
        t = random_tril(rng, d)
        a = f32(t @ t.T + 0.5 * np.eye(d))
        a = np.tril(a) + np.tril(a, -1).T  # symmetric after rounding
        entry = {"d": d, "a": a.tolist(), "cholesky": np.linalg.cholesky(a).tolist()}
        if d <= 16:
            # gradient of Σ W ⊙ cholesky(A) over the lower triangle of A (only that is read)
            weights = f32(rng.normal(size=(d, d)))
            f = lambda m: np.sum(weights * np.linalg.cholesky(np.tril(m) + np.tril(m, -1).T))
            entry["weights"] = weights.tolist()
            entry["grad"] = numerical_grad(f, a, mask=np.tril(np.ones((d, d))) > 0).tolist()
        chol.append(entry)

    solve = []
    for d in DIMS:
        tril = random_tril(rng, d)
        rhs = f32(rng.normal(size=(d, 3)))
        x = linalg.solve_triangular(tril, rhs, lower=True)
        weights = f32(rng.normal(size=(d, 3)))
        # f = Σ W ⊙ L⁻¹B: ∂f/∂B = L⁻ᵀW, ∂f/∂L = −tril(L⁻ᵀW Xᵀ)
        grad_rhs = linalg.solve_triangular(tril.T, weights, lower=False)
        grad_tril = -np.tril(grad_rhs @ x.T)
        f_b = lambda b: np.sum(weights * linalg.solve_triangular(tril, b, lower=True))
        f_l = lambda t: np.sum(weights * linalg.solve_triangular(np.tril(t), rhs, lower=True))
        check_grad(grad_rhs, f_b, rhs)
        check_grad(grad_tril, f_l, tril, mask=np.tril(np.ones((d, d))) > 0)
        solve.append({"d": d, "matrix": tril.tolist(), "rhs": rhs.tolist(), "solution": x.tolist(),
                      "weights": weights.tolist(), "gradMatrix": grad_tril.tolist(), "gradRhs": grad_rhs.tolist()})

    # broadcasting: matrix [2, 1, 5, 5] against rhs [3, 5, 2] gives [2, 3, 5, 2]
    mats = np.stack([random_tril(rng, 5) for _ in range(2)])[:, None]
    rhs = f32(rng.normal(size=(3, 5, 2)))
    batched = np.array([[linalg.solve_triangular(mats[i, 0], rhs[j], lower=True) for j in range(3)] for i in range(2)])
    return {"cholesky": chol, "triangularSolve": solve,
            "batchedSolve": {"matrix": mats.tolist(), "rhs": rhs.tolist(), "solution": batched.tolist()}}


def gaussian_cases(rng):
    """Marginals and conditionals by the textbook formulas (Schur complement), in float64."""
    out = []
    for d, marg, cond in [(2, [1], [0]), (5, [3, 0], [4, 1]), (5, [0, 1, 2], [2]), (16, [15, 2, 7, 8], [0, 5, 9, 15, 3])]:
        loc = f32(rng.normal(0.0, 2.0, d))
        tril = random_tril(rng, d)
        cov = tril @ tril.T
        m = np.array(marg)
        sub = cov[np.ix_(m, m)]
        b = np.array(cond)
        a = np.array([i for i in range(d) if i not in cond])
        values = f32(loc[b] + rng.normal(0.0, 1.5, len(b)))
        s_ab = cov[np.ix_(a, b)]
        s_bb = cov[np.ix_(b, b)]
        cond_loc = loc[a] + s_ab @ np.linalg.solve(s_bb, values - loc[b])
        cond_cov = cov[np.ix_(a, a)] - s_ab @ np.linalg.solve(s_bb, s_ab.T)
        point = f32(cond_loc + rng.normal(0.0, 1.0, len(a)))

        def cond_log_prob(mu, t):
            c = np.tril(t) @ np.tril(t).T
            sab, sbb = c[np.ix_(a, b)], c[np.ix_(b, b)]
            m_ = mu[a] + sab @ np.linalg.solve(sbb, values - mu[b])
            c_ = c[np.ix_(a, a)] - sab @ np.linalg.solve(sbb, sab.T)
            return stats.multivariate_normal(m_, c_).logpdf(point)

        out.append({
            "d": d, "loc": loc.tolist(), "scaleTril": tril.tolist(),
            "marginal": {"indices": marg, "loc": loc[m].tolist(), "covariance": sub.tolist(), "scaleTril": np.linalg.cholesky(sub).tolist()},
            "condition": {
                "indices": cond, "values": values.tolist(), "loc": cond_loc.tolist(), "covariance": cond_cov.tolist(),
                "scaleTril": np.linalg.cholesky(cond_cov).tolist(), "point": point.tolist(),
                "logProb": float(cond_log_prob(loc, tril)),
                "gradLoc": numerical_grad(lambda mu: cond_log_prob(mu, tril), loc).tolist(),
                "gradScaleTril": numerical_grad(lambda t: cond_log_prob(loc, t), tril, mask=np.tril(np.ones((d, d))) > 0).tolist(),
            },
        })
    return out


def main():
    rng = np.random.default_rng(20240607)
    # compact: the matrices (up to 64 x 64) would triple the file with one number a line
    dump("mvn.json", compact=True, data={
        "distributions": distribution_cases(rng),
        "kl": kl_cases(rng),
        "linalg": linalg_cases(rng),
        "gaussian": gaussian_cases(rng),
    })


if __name__ == "__main__":
    main()
