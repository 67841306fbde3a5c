#!/usr/bin/env python3
"""scikit-learn references for GaussianMixture: `npm run fixtures` rewrites
test/fixtures/gmm.json.

Needs scikit-learn, which the default python3 lacks: install Debian's
python3-sklearn (`apt-get install python3-sklearn`) and run it with
/usr/bin/python3. When started by another interpreter without sklearn, the
script re-runs itself under /usr/bin/python3.

For one fixed dataset (N = 300, D = 3, K = 3, float32-rounded) and one
explicit initialisation (weights, means, precisions), it records
scikit-learn's fitted weights_, means_, covariances_, precisions_cholesky_,
lower_bound_, n_iter_, converged_, score_samples of a few points, bic and aic
for every covariance type. scikit-learn computes in float64.
"""
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

try:
    import sklearn
    from sklearn.mixture import GaussianMixture
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

import numpy as np

from fixture_io import dump, f32

N, D, K = 300, 3, 3


def dataset():
    rng = np.random.default_rng(20240501)
    centres = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -2.0], [-3.0, 4.0, 2.0]])
    scales = [
        np.array([[1.0, 0.0, 0.0], [0.5, 0.8, 0.0], [-0.3, 0.2, 0.6]]),
        np.diag([0.7, 1.5, 0.9]),
        np.array([[1.2, 0.0, 0.0], [-0.6, 0.9, 0.0], [0.4, 0.4, 1.1]]),
    ]
    counts = [120, 100, 80]
    x = np.concatenate([c + rng.normal(size=(n, D)) @ s.T for c, s, n in zip(centres, scales, counts)])
    return f32(x[rng.permutation(N)])


def explicit_init(covariance_type):
    weights = f32([0.25, 0.25, 0.5])  # exact in float32: sklearn checks the sum
    means = f32([[1.0, 1.0, 1.0], [2.0, -1.0, -1.0], [-1.0, 2.0, 1.0]])
    variances = f32([0.5, 1.0, 2.0])
    if covariance_type == "full":
        precisions = f32([np.eye(D) / v for v in variances])
    elif covariance_type == "tied":
        precisions = f32(np.eye(D) / 1.5)
    elif covariance_type == "diag":
        precisions = f32([np.full(D, 1 / v) for v in variances])
    else:
        precisions = f32(1 / variances)
    return weights, means, precisions


def main():
    x = dataset()
    points = f32([[0.0, 0.0, 0.0], [4.0, 1.0, -2.0], [-3.0, 4.0, 2.0], [10.0, -10.0, 5.0], [0.5, 2.0, 0.0]])
    out = {"sklearn": sklearn.__version__, "x": x.tolist(), "points": points.tolist(), "tol": 1e-3, "regCovar": 1e-6, "types": {}}
    for covariance_type in ["full", "tied", "diag", "spherical"]:
        weights, means, precisions = explicit_init(covariance_type)
        gm = GaussianMixture(
            n_components=K,
            covariance_type=covariance_type,
            tol=1e-3,
            reg_covar=1e-6,
            max_iter=100,
            weights_init=weights,
            means_init=means,
            precisions_init=precisions,
            random_state=0,
        ).fit(x)
        out["types"][covariance_type] = {
            "init": {"weights": weights.tolist(), "means": means.tolist(), "precisions": precisions.tolist()},
            "weights": gm.weights_.tolist(),
            "means": gm.means_.tolist(),
            "covariances": gm.covariances_.tolist(),
            "precisionsCholesky": gm.precisions_cholesky_.tolist(),
            "lowerBound": float(gm.lower_bound_),
            "nIter": int(gm.n_iter_),
            "converged": bool(gm.converged_),
            "scoreSamples": gm.score_samples(points).tolist(),
            "predict": gm.predict(points).tolist(),
            "score": float(gm.score(x)),
            "bic": float(gm.bic(x)),
            "aic": float(gm.aic(x)),
        }
        print(covariance_type, "n_iter", gm.n_iter_, "lower_bound", gm.lower_bound_)
    dump("gmm.json", out)


if __name__ == "__main__":
    main()
