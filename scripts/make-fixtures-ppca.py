#!/usr/bin/env python3
"""Float64 references for probabilistic PCA (Tipping & Bishop 1999):
`npm run fixtures` rewrites test/fixtures/ppca.json.

The data are rounded to float32 first, so the references are exact answers
for the float32 values the tests feed to tfjs. The maximum-likelihood
solution comes from numpy.linalg.eigh of the sample covariance divided by N
(the ML estimate; scikit-learn's PCA divides by N - 1): sigma^2 is the mean of
the discarded eigenvalues and W = U_q (Lambda_q - sigma^2 I)^(1/2). W is
identified only up to a rotation, so the tests compare W W^T. Densities come
from scipy.stats.multivariate_normal with covariance W W^T + sigma^2 I.
"""
import numpy as np
from scipy import stats

from fixture_io import dump, f32


def ppca_ml(x, q):
    n, d = x.shape
    mean = x.mean(axis=0)
    xc = x - mean
    cov = xc.T @ xc / n
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    sigma2 = eigenvalues[q:].mean()
    w = eigenvectors[:, :q] * np.sqrt(eigenvalues[:q] - sigma2)
    return mean, w, sigma2, eigenvalues


def case(rng, n, d, q, scales, noise):
    """n points of a q-dimensional latent model in d dimensions, with clear eigen-gaps."""
    basis, _ = np.linalg.qr(rng.normal(size=(d, q)))
    w_true = basis * np.asarray(scales)
    loc = rng.normal(0.0, 2.0, d)
    x = f32(rng.normal(size=(n, q)) @ w_true.T + loc + noise * rng.normal(size=(n, d)))
    mean, w, sigma2, eigenvalues = ppca_ml(x, q)
    cov = w @ w.T + sigma2 * np.eye(d)
    queries = f32(np.vstack([x[:5], mean + 3.0 * rng.normal(size=(3, d))]))
    mvn = stats.multivariate_normal(mean, cov)
    m = w.T @ w + sigma2 * np.eye(q)
    latent_mean = np.linalg.solve(m, w.T @ (queries - mean).T).T
    return {
        "n": n,
        "d": d,
        "q": q,
        "x": x.tolist(),
        "mean": mean.tolist(),
        "wwT": (w @ w.T).tolist(),
        "noiseVariance": float(sigma2),
        "eigenvalues": eigenvalues.tolist(),
        "logLikelihood": float(mvn.logpdf(x).mean()),
        "queries": queries.tolist(),
        "scoreSamples": mvn.logpdf(queries).tolist(),
        # posterior mean projected back: W E[z|x] + mean, invariant to the rotation of W
        "reconstruction": (latent_mean @ w.T + mean).tolist(),
    }


def main():
    rng = np.random.default_rng(5)
    dump("ppca.json", {
        "cases": [
            case(rng, 300, 5, 2, [3.0, 1.5], 0.3),
            case(rng, 400, 8, 3, [4.0, 2.5, 1.5], 0.5),
            case(rng, 200, 3, 1, [2.0], 0.4),
        ],
    })


if __name__ == "__main__":
    main()
