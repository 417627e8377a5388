#!/usr/bin/env python3
"""Writes the reference fixtures of the Likely solver to test/fixtures/solver/.

The values come from implementations independent of the TypeScript solver: numpy and scipy for the
single-distribution MLEs, densities and known-label mixtures, and scikit-learn's GaussianMixture for
EM (its own fit loop, with weights_init / means_init / precisions_init from the stated init). Each
EM result is also recomputed by a plain numpy EM written here and the two must agree to 1e-8.

Run with Debian's python (sklearn 1.2.1, numpy 1.24), from the repository root:
    /usr/bin/python3 scripts/make-solver-fixtures.py
Deterministic: the same files come out every time.
"""
import json
import math
import os
import warnings

import numpy as np
from scipy import linalg, stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.simplefilter("ignore", ConvergenceWarning)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "solver")
LECTURE = [2.1, 0, 3.5, -1, 1.5, 2.5, -0.5, 0.05, 1, -2, 0, 1, -2, 1.1, -0.5, -0.03]
EPS10 = 10 * np.finfo(float).eps
rng = np.random.default_rng(20240601)


def fl(a):
    """Plain Python floats (json writes them with shortest round-trip repr)."""
    return np.asarray(a, dtype=float).tolist()


def rounded(a, digits=4):
    return np.round(np.asarray(a, dtype=float), digits)


def random_spd(d, scale=1.0):
    a = rng.normal(size=(d, d))
    return scale * (a @ a.T / d + 0.5 * np.eye(d))


def mixture_data(n, d, k, spread=4.0):
    """n points from a random k-component Gaussian mixture in d dimensions (rounded to 4 decimals)."""
    centers = rng.normal(scale=spread, size=(k, d))
    labels = rng.integers(0, k, size=n)
    x = np.empty((n, d))
    for j in range(k):
        idx = labels == j
        chol = np.linalg.cholesky(random_spd(d, rng.uniform(0.5, 2.0)))
        x[idx] = centers[j] + rng.normal(size=(idx.sum(), d)) @ chol.T
    return rounded(x), labels


def x_field(x):
    """Requests give 1-D data as a list of numbers."""
    return fl(x[:, 0]) if x.shape[1] == 1 else fl(x)


# ---------------------------------------------------------------- single distributions and densities

def single_cases():
    cases = []
    for name, x in [("bernoulli-small", [1, 0, 1, 1]), ("bernoulli-30", rng.integers(0, 2, 30)), ("bernoulli-all-ones", [1, 1, 1])]:
        x = np.asarray(x)
        theta = x.mean()
        ll = float(stats.bernoulli.logpmf(x, theta).sum())
        cases.append({"name": name, "request": {"task": "bernoulli", "x": [int(v) for v in x]}, "expected": {"theta": float(theta), "logLikelihood": ll}})
    for name, x in [("gaussian-lecture", np.array(LECTURE)), ("gaussian-50", rounded(rng.normal(3, 2, 50)))]:
        mean, var = x.mean(), x.var()
        ll = float(stats.norm.logpdf(x, mean, math.sqrt(var)).sum())
        cases.append({"name": name, "request": {"task": "gaussian", "x": fl(x)}, "expected": {"mean": float(mean), "variance": float(var), "logLikelihood": ll}})
    for d in (1, 2, 5):
        x = rounded(rng.normal(1.5, 2.0, size=(40, d)) @ random_spd(d))
        mean = x.mean(axis=0)
        var = ((x - mean) ** 2).sum() / x.size
        ll = float(stats.multivariate_normal(mean, var * np.eye(d)).logpdf(x).sum())
        cases.append({"name": f"spherical-d{d}", "request": {"task": "spherical-gaussian", "x": fl(x)}, "expected": {"mean": fl(mean), "variance": float(var), "logLikelihood": ll}})
        cov = np.cov(x.T, bias=True).reshape(d, d)
        ll = float(stats.multivariate_normal(mean, cov).logpdf(x).sum())
        cases.append({"name": f"full-d{d}", "request": {"task": "gaussian-full", "x": fl(x)}, "expected": {"mean": fl(mean), "covariance": fl(cov), "logLikelihood": ll}})
    cases.append({"name": "spherical-lecture-as-1d-list", "request": {"task": "spherical-gaussian", "x": LECTURE},
                  "expected": {"mean": [float(np.mean(LECTURE))], "variance": float(np.var(LECTURE)),
                               "logLikelihood": float(stats.norm.logpdf(LECTURE, np.mean(LECTURE), math.sqrt(np.var(LECTURE))).sum())}})
    return cases


def log_pdf_cases():
    cases = []
    for x, m, v in [(0.0, 0.0, 1.0), (2.1, 0.42, 2.1906875), (-3.0, 1.0, 0.25)]:
        cases.append({"fn": "gaussianLogPdf", "args": [x, m, v], "expected": float(stats.norm.logpdf(x, m, math.sqrt(v)))})
    for d in (1, 2, 5):
        x, m = rounded(rng.normal(size=d)), rounded(rng.normal(size=d))
        v = float(rounded(rng.uniform(0.2, 3.0)))
        cases.append({"fn": "sphericalLogPdf", "args": [fl(x), fl(m), v], "expected": float(stats.multivariate_normal(m, v * np.eye(d)).logpdf(x))})
        cov = rounded(random_spd(d), 6)
        cases.append({"fn": "fullLogPdf", "args": [fl(x), fl(m), fl(cov)], "expected": float(stats.multivariate_normal(m, cov).logpdf(x))})
    return cases


# ---------------------------------------------------------------- mixtures with known labels

def known_labels_expected(x, labels, k):
    n, d = x.shape
    counts, weights, means, variances, ll = [], [], [], [], 0.0
    for j in range(k):
        xj = x[labels == j]
        mu = xj.mean(axis=0)
        var = ((xj - mu) ** 2).sum() / (d * len(xj))
        counts.append(len(xj))
        weights.append(len(xj) / n)
        means.append(mu)
        variances.append(var)
        ll += len(xj) * math.log(len(xj) / n) + stats.multivariate_normal(mu, var * np.eye(d)).logpdf(xj).sum()
    return {"counts": fl(counts), "weights": fl(weights), "means": fl(means), "variances": fl(variances), "logLikelihood": float(ll)}


def known_labels_cases():
    lecture = np.array(LECTURE).reshape(-1, 1)
    lecture_labels = (lecture[:, 0] > 0.75).astype(int)  # the two visible clusters of the lecture example
    cases = [{"name": "lecture-two-clusters", "request": {"task": "gmm-known-labels", "x": LECTURE, "labels": fl(lecture_labels), "k": 2},
              "expected": known_labels_expected(lecture, lecture_labels, 2)}]
    for d in (1, 2, 5):
        for k in (1, 2, 3, 4):
            x, labels = mixture_data(12 * k + 5, d, k)
            labels[:k] = np.arange(k)  # every component gets points
            cases.append({"name": f"known-labels-d{d}-k{k}", "request": {"task": "gmm-known-labels", "x": x_field(x), "labels": [int(v) for v in labels], "k": k},
                          "expected": known_labels_expected(x, labels, k)})
    for c in cases:
        c["request"]["labels"] = [int(v) for v in c["request"]["labels"]]
    return cases


# ---------------------------------------------------------------- EM

def cov_field(ct):
    return "covariances" if ct == "full" else "variances"


def precisions(ct, init):
    if ct == "full":
        return np.array([np.linalg.inv(c) for c in init["covariances"]])
    return 1.0 / np.asarray(init["variances"], dtype=float)


def sk_model(ct, init, max_iter, tol, reg):
    k = len(init["weights"])
    return GaussianMixture(n_components=k, covariance_type=ct, weights_init=np.asarray(init["weights"], float), means_init=np.asarray(init["means"], float),
                           precisions_init=precisions(ct, init), max_iter=max_iter, tol=tol, reg_covar=reg, init_params="random", random_state=0)


def sk_params(gm, ct):
    return {"weights": fl(gm.weights_), "means": fl(gm.means_), cov_field(ct): fl(gm.covariances_)}


def sk_em(x, ct, init, max_iter, tol, reg, with_resp):
    """scikit-learn's own fit, plus the per-iteration trace through its _e_step/_m_step in the fit loop's order."""
    # sklearn 1.2's fit with max_iter=0 and precisions_init fails (no covariances_), so that case
    # uses the fit loop's steps below only: zero iterations return init itself.
    gm = sk_model(ct, init, max_iter, tol, reg).fit(x) if max_iter > 0 else None
    st = sk_model(ct, init, max_iter, tol, reg)
    st._initialize_parameters(x, np.random.RandomState(0))
    trace, prev, converged, iterations, margins = [], -np.inf, False, 0, []
    for it in range(1, max_iter + 1):
        log_prob_norm, log_resp = st._estimate_log_prob_resp(x)
        trace.append(float(log_prob_norm.sum()))
        st._m_step(x, log_resp)
        iterations = it
        change = np.mean(log_prob_norm) - prev
        prev = np.mean(log_prob_norm)
        if tol > 0 and np.isfinite(change):
            margins.append(abs(abs(change) - tol) / tol)
        if abs(change) < tol:
            converged = True
            break
    log_prob_norm, log_resp = st._estimate_log_prob_resp(x)
    trace.append(float(log_prob_norm.sum()))
    if gm is None:
        params = {"weights": init["weights"], "means": init["means"], cov_field(ct): init[cov_field(ct)]}
    else:
        assert iterations == gm.n_iter_ and converged == gm.converged_, (iterations, gm.n_iter_, converged, gm.converged_)
        for a, b in [(st.weights_, gm.weights_), (st.means_, gm.means_), (st.covariances_, gm.covariances_)]:
            assert np.array_equal(a, b)
        assert math.isclose(trace[-1], gm.score(x) * len(x), rel_tol=1e-12)
        params = sk_params(gm, ct)
    if margins:
        assert min(margins) > 1e-6, f"tol {tol} too close to a log-likelihood change: pick another"
    result = {**params, "logLikelihood": trace[-1], "iterations": iterations, "converged": bool(converged), "logLikelihoodTrace": trace}
    if with_resp:
        result["responsibilities"] = fl(np.exp(log_resp))
    return result


def np_log_prob(x, ct, w, m, cov):
    """n x k: ln w_j + ln N(x(i) | m_j, cov_j), straight from the formulas."""
    n, d = x.shape
    out = np.empty((n, len(w)))
    for j in range(len(w)):
        diff = x - m[j]
        if ct == "spherical":
            out[:, j] = -0.5 * (d * np.log(2 * np.pi * cov[j]) + (diff ** 2).sum(1) / cov[j])
        elif ct == "diag":
            out[:, j] = -0.5 * (np.log(2 * np.pi * cov[j]).sum() + (diff ** 2 / cov[j]).sum(1))
        else:
            chol = np.linalg.cholesky(cov[j])
            y = linalg.solve_triangular(chol, diff.T, lower=True)
            out[:, j] = -0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(chol)).sum() + (y ** 2).sum(0))
        out[:, j] += np.log(w[j])
    return out


def np_m_step(x, ct, resp, reg):
    n, d = x.shape
    nk = resp.sum(0) + EPS10
    means = resp.T @ x / nk[:, None]
    if ct == "full":
        cov = np.array([(resp[:, j, None] * (x - means[j])).T @ (x - means[j]) / nk[j] + reg * np.eye(d) for j in range(len(nk))])
    else:
        diag = np.array([(resp[:, j, None] * (x - means[j]) ** 2).sum(0) / nk[j] + reg for j in range(len(nk))])
        cov = diag.mean(1) if ct == "spherical" else diag
    return nk / nk.sum(), means, cov


def np_em(x, ct, init, max_iter, tol, reg):
    """An independent EM with the same stopping rule; returns the last parameters and the trace."""
    w, m = np.asarray(init["weights"], float), np.asarray(init["means"], float)
    cov = np.asarray(init[cov_field(ct)], float)
    trace, prev = [], -np.inf
    for _ in range(max_iter):
        lp = np_log_prob(x, ct, w, m, cov)
        norm = np.logaddexp.reduce(lp, axis=1)
        trace.append(norm.sum())
        w, m, cov = np_m_step(x, ct, np.exp(lp - norm[:, None]), reg)
        if abs(norm.mean() - prev) < tol:
            break
        prev = norm.mean()
    trace.append(np.logaddexp.reduce(np_log_prob(x, ct, w, m, cov), axis=1).sum())
    return w, m, cov, trace


def check_against_numpy(x, ct, init, max_iter, tol, reg, sk):
    w, m, cov, trace = np_em(x, ct, init, max_iter, tol, reg)
    for a, b in [(w, sk["weights"]), (m, sk["means"]), (cov, sk[cov_field(ct)]), (trace, sk["logLikelihoodTrace"])]:
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)


def make_init(x, ct, k, spread=1.0):
    n, d = x.shape
    idx = rng.choice(n, size=k, replace=False)
    weights = rng.dirichlet(np.full(k, 5.0))
    weights = weights / weights.sum()
    init = {"weights": fl(weights), "means": fl(rounded(x[idx] + rng.normal(scale=0.3, size=(k, d)), 3))}
    scale = float(x.var(axis=0).mean()) * spread
    if ct == "spherical":
        init["variances"] = fl(rounded(rng.uniform(0.5, 1.5, k) * scale, 3))
    elif ct == "diag":
        init["variances"] = fl(rounded(rng.uniform(0.5, 1.5, (k, d)) * scale, 3))
    else:
        init["covariances"] = fl([rounded(np.eye(d) * scale * rng.uniform(0.5, 1.5) + 0.1 * scale * np.ones((d, d)) * (j % 2), 3) for j in range(k)])
    return init


def em_case(name, x, ct, init, max_iter, tol, reg=0.0, with_resp=False):
    sk = sk_em(x, ct, init, max_iter, tol, reg, with_resp)
    check_against_numpy(x, ct, init, max_iter, tol, reg, sk)
    request = {"task": "gmm-em", "x": x_field(x), "covariance": ct, "init": init, "maxIter": max_iter, "tol": tol}
    if reg:
        request["regCovar"] = reg
    if with_resp:
        request["responsibilities"] = True
    return {"name": name, "request": request, "expected": sk}


def em_cases():
    cases = []
    lecture = np.array(LECTURE).reshape(-1, 1)
    lecture_init = {"weights": [0.5, 0.5], "means": [[-1.0], [2.0]]}
    for ct in ("spherical", "diag", "full"):
        init = dict(lecture_init, **({"covariances": [[[1.0]], [[1.0]]]} if ct == "full" else {"variances": [1.0, 1.0] if ct == "spherical" else [[1.0], [1.0]]}))
        cases.append(em_case(f"lecture-{ct}-one-iteration", lecture, ct, init, 1, 0.0, with_resp=True))
        cases.append(em_case(f"lecture-{ct}-10-iterations", lecture, ct, init, 10, 0.0))
        cases.append(em_case(f"lecture-{ct}-tol-1e-4", lecture, ct, init, 500, 1e-4, with_resp=True))
    cases.append(em_case("lecture-spherical-max-iter-0", lecture, "spherical", dict(lecture_init, variances=[1.0, 1.0]), 0, 0.0, with_resp=True))
    for ct in ("spherical", "diag", "full"):
        for d in (1, 2, 5):
            for k in (1, 2, 3, 4):
                n = {1: 60, 2: 120, 5: 200}[d]
                x, _ = mixture_data(n, d, k)
                init = make_init(x, ct, k)
                cases.append(em_case(f"{ct}-d{d}-k{k}-one-iteration", x, ct, init, 1, 0.0, with_resp=d <= 2))
                cases.append(em_case(f"{ct}-d{d}-k{k}-run", x, ct, init, 80, 1e-5, reg=1e-6 if k == 4 else 0.0))
    # Larger shapes (the benchmark's d = 10, k = 8): one iteration and ten.
    for ct in ("spherical", "diag", "full"):
        x, _ = mixture_data(300, 10, 8)
        init = make_init(x, ct, 8)
        cases.append(em_case(f"{ct}-d10-k8-one-iteration", x, ct, init, 1, 0.0, reg=1e-6))
        cases.append(em_case(f"{ct}-d10-k8-10-iterations", x, ct, init, 10, 0.0, reg=1e-6))
    # A component initialised far from every point loses all of them: sklearn's 10 eps keeps nk > 0
    # and regCovar keeps its variance positive.
    for ct in ("spherical", "diag", "full"):
        x, _ = mixture_data(50, 2, 2)
        init = make_init(x, ct, 3)
        init["means"][2] = [60.0, -60.0]
        cases.append(em_case(f"{ct}-empty-component-regcovar", x, ct, init, 5, 0.0, reg=1e-2))
    return cases


# ---------------------------------------------------------------- single E- and M-steps

def step_cases():
    cases = []
    for ct in ("spherical", "diag", "full"):
        for d, k in ((1, 2), (2, 3), (5, 4)):
            x, _ = mixture_data(30, d, k)
            init = make_init(x, ct, k)
            st = sk_model(ct, init, 1, 0.0, 0.0)
            st._initialize_parameters(x, np.random.RandomState(0))
            log_prob_norm, log_resp = st._estimate_log_prob_resp(x)
            resp = rng.dirichlet(np.ones(k), size=len(x))
            reg = 1e-3 if d == 5 else 0.0
            st._m_step(x, np.log(resp))
            w, m, cov = np_m_step(x, ct, resp, reg=0.0)
            np.testing.assert_allclose(cov, st.covariances_, rtol=1e-10)
            st_reg = sk_model(ct, init, 1, 0.0, reg)
            st_reg._initialize_parameters(x, np.random.RandomState(0))
            st_reg._m_step(x, np.log(resp))
            cases.append({"name": f"{ct}-d{d}-k{k}", "covariance": ct, "x": fl(x), "params": init,
                          "eStep": {"responsibilities": fl(np.exp(log_resp)), "logLikelihood": float(log_prob_norm.sum())},
                          "mStep": {"responsibilities": fl(resp), "regCovar": reg, "expected": sk_params(st_reg, ct)}})
    return cases


def write(name, cases):
    with open(os.path.join(OUT, name), "w") as f:
        # One case per line: compact, and a changed case shows as one changed line.
        f.write("[\n" + ",\n".join(json.dumps(c) for c in cases) + "\n]\n")
    print(f"{name}: {len(cases)} cases")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("single.json", single_cases())
    write("log-pdf.json", log_pdf_cases())
    write("known-labels.json", known_labels_cases())
    write("gmm-em.json", em_cases())
    write("steps.json", step_cases())
