/**
 * The reference numeric solver of Likely: the lecture's MLE estimators, Gaussian log-densities
 * and EM for Gaussian mixtures (MATH.md), plus the `likely solve` dispatcher. Pure: it imports
 * nothing from the rest of the project. Shapes: x is n x d, responsibilities n x k, means k x d.
 */

/** Bumped whenever a result changes, so stored variants record which solver computed their key. */
export const SOLVER_VERSION = "1.0.0";

export { SolverError } from "./solver-error";
export type { Vec, Mat } from "./points";
export { bernoulliMle } from "./bernoulli-mle";
export { gaussianMle } from "./gaussian-mle";
export { sphericalGaussianMle } from "./spherical-gaussian-mle";
export { gaussianFullMle } from "./gaussian-full-mle";
export { gaussianLogPdf, sphericalLogPdf, fullLogPdf } from "./log-pdf";
export { gmmKnownLabels } from "./gmm-known-labels";
export type { CovarianceType } from "./em-kernels";
export type { MixtureParams } from "./mixture";
export { eStep, mStep, mixtureLogLikelihood } from "./em-step";
export { gmmEm, type GmmEmRequest, type GmmEmResult } from "./gmm-em";
export { solve } from "./solve";
export { warmUpSolverThreads } from "./pass-runner";
