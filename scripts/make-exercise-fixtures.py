#!/usr/bin/python3
"""Independent numpy keys for the six core exercises and em-steps.

Reads test/fixtures/exercises/variants.json (written from `likely exercises show SLUG --seed S
--param ... --json`, see export_variants below) and writes test/fixtures/exercises/numpy-keys.json:
for each variant its slug, seed, params and the key computed here with numpy, from the data alone.
test/exercises/numpy-keys.test.ts recreates each variant and compares its key to these to 1e-9.

Run with Debian's python (numpy 1.24), not a pyenv one:
    /usr/bin/python3 scripts/make-exercise-fixtures.py            # keys from the stored variants
    /usr/bin/python3 scripts/make-exercise-fixtures.py --export   # first re-export the variants (needs `npx tsc`)
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "test" / "fixtures" / "exercises"
VARIANTS = FIXTURES / "variants.json"
KEYS = FIXTURES / "numpy-keys.json"

# (slug, params) pairs exported for seeds 1..4 each: defaults plus a larger size.
CASES = [
    ("bernoulli-mle", {}), ("bernoulli-mle", {"n": 30}),
    ("gaussian-mle", {}), ("gaussian-mle", {"n": 25}),
    ("spherical-gaussian-mle", {}), ("spherical-gaussian-mle", {"n": 15, "d": 3}),
    ("gaussian-full-mle", {}), ("gaussian-full-mle", {"n": 12, "d": 3}),
    ("gmm-known-labels", {}), ("gmm-known-labels", {"n": 24, "d": 2, "k": 3}),
    ("em-iteration", {}), ("em-iteration", {"n": 20, "d": 2, "k": 3}),
    ("em-steps", {}), ("em-steps", {"n": 8, "d": 2, "k": 3}),
]
SEEDS = [1, 2, 3, 4]


def export_variants():
    out = []
    for slug, params in CASES:
        for seed in SEEDS:
            cmd = ["node", str(ROOT / "bin" / "likely.js"), "exercises", "show", slug, "--seed", str(seed), "--json"]
            for name, value in params.items():
                cmd += ["--param", f"{name}={value}"]
            out.append(json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout))
    VARIANTS.write_text(json.dumps(out, indent=1) + "\n")


def as_matrix(x):
    a = np.asarray(x, dtype=float)
    return a.reshape(-1, 1) if a.ndim == 1 else a


def spherical_logpdf(x, mean, var):
    """ln N(x | mean, var I) for every row of x (n x d)."""
    d = x.shape[1]
    sq = ((x - mean) ** 2).sum(axis=1)
    return -0.5 * d * np.log(2 * np.pi * var) - sq / (2 * var)


def key_for(slug, data):
    if slug == "bernoulli-mle":
        return {"theta": float(np.mean(np.asarray(data["x"], dtype=float)))}
    if slug == "gaussian-mle":
        x = np.asarray(data["x"], dtype=float)
        return {"mean": float(x.mean()), "variance": float(x.var(ddof=0))}
    if slug == "spherical-gaussian-mle":
        x = as_matrix(data["x"])
        n, d = x.shape
        mu = x.mean(axis=0)
        return {"mean": mu.tolist(), "variance": float(((x - mu) ** 2).sum() / (n * d))}
    if slug == "gaussian-full-mle":
        x = as_matrix(data["x"])
        return {"mean": x.mean(axis=0).tolist(), "covariance": np.cov(x, rowvar=False, bias=True).reshape(x.shape[1], x.shape[1]).tolist()}
    if slug == "gmm-known-labels":
        x = as_matrix(data["x"])
        labels = np.asarray(data["labels"])
        n, d = x.shape
        k = data["k"]
        weights, means, variances = [], [], []
        for j in range(k):
            pts = x[labels == j]
            mu = pts.mean(axis=0)
            weights.append(len(pts) / n)
            means.append(mu.tolist())
            variances.append(float(((pts - mu) ** 2).sum() / (d * len(pts))))
        return {"weights": weights, "means": means, "variances": variances}
    if slug in ("em-iteration", "em-steps"):
        x = as_matrix(data["x"])
        init = data["init"]
        n, d = x.shape
        w = np.asarray(init["weights"], dtype=float)
        mus = np.asarray(init["means"], dtype=float)
        vs = np.asarray(init["variances"], dtype=float)
        k = len(w)
        # E-step in log space.
        logp = np.stack([np.log(w[j]) + spherical_logpdf(x, mus[j], vs[j]) for j in range(k)], axis=1)
        logp -= logp.max(axis=1, keepdims=True)
        resp = np.exp(logp)
        resp /= resp.sum(axis=1, keepdims=True)
        # M-step.
        nk = resp.sum(axis=0)
        new_means = (resp.T @ x) / nk[:, None]
        new_vars = [float((resp[:, j] * ((x - new_means[j]) ** 2).sum(axis=1)).sum() / (d * nk[j])) for j in range(k)]
        key = {"weights": (nk / n).tolist(), "means": new_means.tolist(), "variances": new_vars}
        # em-steps also asks for the E-step's responsibilities.
        return {"responsibilities": resp.tolist(), **key} if slug == "em-steps" else key
    raise ValueError(f"no numpy reference for {slug}")


def main():
    if "--export" in sys.argv[1:]:
        export_variants()
    variants = json.loads(VARIANTS.read_text())
    keys = [{"slug": v["slug"], "seed": v["seed"], "params": v["params"], "key": key_for(v["slug"], v["data"])} for v in variants]
    KEYS.write_text(json.dumps({"numpy": np.__version__, "keys": keys}, indent=1) + "\n")
    print(f"wrote {len(keys)} keys to {KEYS.relative_to(ROOT)} (numpy {np.__version__})")


if __name__ == "__main__":
    main()
