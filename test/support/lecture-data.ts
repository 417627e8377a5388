/** The lecture's worked example for the MLE of a univariate Gaussian (issue #12): 16 points. */
export const LECTURE_POINTS = [2.1, 0, 3.5, -1, 1.5, 2.5, -0.5, 0.05, 1, -2, 0, 1, -2, 1.1, -0.5, -0.03];
