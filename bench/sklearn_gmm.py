#!/usr/bin/env python3
"""scikit-learn's time per EM iteration, for bench/gmm.mjs.

Usage: sklearn_gmm.py DATA.f32 N D K COVARIANCE_TYPE ITERATIONS RUNS
Reads N×D float32 values (converted to float64, scikit-learn's usual dtype),
fits GaussianMixture from the same explicit initialisation as the latent side
(uniform weights, the first K points as means, identity precisions) with
tol=0 and max_iter=ITERATIONS, on one thread (threadpoolctl, and
OMP_NUM_THREADS=1 set by the caller), and prints the median milliseconds per
iteration over RUNS fits as JSON. Needs Debian's python3-sklearn (/usr/bin/python3).
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.mixture import GaussianMixture

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # OMP_NUM_THREADS=1 from the caller still applies
    threadpool_limits = None


def precisions(covariance_type, k, d):
    if covariance_type == "full":
        return np.tile(np.eye(d), (k, 1, 1))
    if covariance_type == "tied":
        return np.eye(d)
    if covariance_type == "diag":
        return np.ones((k, d))
    return np.ones(k)


def main():
    warnings.simplefilter("ignore")  # tol=0 never converges: ConvergenceWarning on every fit
    path, n, d, k, covariance_type, iterations, runs = sys.argv[1:8]
    n, d, k, iterations, runs = int(n), int(d), int(k), int(iterations), int(runs)
    x = np.fromfile(path, dtype=np.float32).reshape(n, d).astype(np.float64)
    model = GaussianMixture(
        n_components=k,
        covariance_type=covariance_type,
        tol=0.0,
        max_iter=iterations,
        weights_init=np.full(k, 1.0 / k),
        means_init=x[:k].copy(),
        precisions_init=precisions(covariance_type, k, d),
    )
    times = []
    for _ in range(runs + 1):  # the first run warms up
        start = time.perf_counter()
        model.fit(x)
        times.append((time.perf_counter() - start) * 1000 / model.n_iter_)
    times = sorted(times[1:])
    print(json.dumps({"msPerIteration": times[len(times) // 2], "nIter": int(model.n_iter_)}))


if __name__ == "__main__":
    if threadpool_limits is not None:
        with threadpool_limits(limits=1):
            main()
    else:
        main()
