#!/usr/bin/env python3
"""scikit-learn's side of bench/em-vs-sklearn.ts: the same gmm-em request as `likely solve`.

Usage: /usr/bin/python3 bench/em_sklearn.py REQUEST.json
Reads a gmm-em request (CONTRACTS.md), runs GaussianMixture from its init (weights_init, means_init,
precisions_init) for maxIter iterations with tol and regCovar, and prints one JSON line:
{"iterations", "converged", "logLikelihood" (total, of the fitted parameters), "fitMs" (fit() alone)}.
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.simplefilter("ignore", ConvergenceWarning)

with open(sys.argv[1]) as f:
    req = json.load(f)
x = np.asarray(req["x"], dtype=float)
if x.ndim == 1:
    x = x[:, None]
init, ct = req["init"], req["covariance"]
if ct == "full":
    precisions = np.array([np.linalg.inv(c) for c in init["covariances"]])
else:
    precisions = 1.0 / np.asarray(init["variances"], dtype=float)
gm = GaussianMixture(
    n_components=len(init["weights"]),
    covariance_type=ct,
    weights_init=np.asarray(init["weights"], dtype=float),
    means_init=np.asarray(init["means"], dtype=float),
    precisions_init=precisions,
    max_iter=req["maxIter"],
    tol=req["tol"],
    reg_covar=req.get("regCovar", 0.0),
    init_params="random",
    random_state=0,
)
start = time.perf_counter()
gm.fit(x)
fit_ms = (time.perf_counter() - start) * 1e3
print(json.dumps({"iterations": int(gm.n_iter_), "converged": bool(gm.converged_), "logLikelihood": float(gm.score(x) * len(x)), "fitMs": fit_ms}))
