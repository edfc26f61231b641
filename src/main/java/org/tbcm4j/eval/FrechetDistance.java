package org.tbcm4j.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * FD: the Fréchet distance between Gaussians fitted to two feature sets, here in the features of our
 * own classifier (the quantity FID computes in Inception features; the values are not comparable to
 * FID):
 * FD = |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2 (Σ1Σ2)^{1/2}).
 *
 * <p>Σ1Σ2 is not symmetric, so its square root is not taken directly (the usual scipy sqrtm route can
 * return complex parts from rounding). Instead, with S1 = Σ1^{1/2} symmetric, Σ1Σ2 = S1·(S1Σ2) and
 * S1Σ2S1 = (S1Σ2)·S1 have the same eigenvalues (AB and BA always do), and S1Σ2S1 is symmetric PSD:
 * Tr((Σ1Σ2)^{1/2}) is the sum of the square roots of its eigenvalues, from two symmetric
 * eigendecompositions. Eigenvalues of S1Σ2S1 near 0 carry an absolute error of about 1e-16·‖Σ‖², so
 * their roots one of about 1e-8·‖Σ‖: with near-singular covariances (dead feature units), FD values
 * of that order are rounding noise.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** FD between two feature sets (rows are samples). */
    public static double between(double[][] a, double[][] b) {
        FeatureRows.commonDimension(a, "a", b, "b");
        return between(FeatureStats.of(a), FeatureStats.of(b));
    }

    /** FD between two Gaussians given by their statistics. */
    public static double between(FeatureStats a, FeatureStats b) {
        int d = a.dimension();
        if (b.dimension() != d) {
            throw new IllegalArgumentException("dimensions differ: " + d + " and " + b.dimension());
        }
        double[] muA = a.mean();
        double[] muB = b.mean();
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = muA[i] - muB[i];
            meanTerm += diff * diff;
        }
        DMatrixRMaj sigmaA = new DMatrixRMaj(a.covariance());
        DMatrixRMaj sigmaB = new DMatrixRMaj(b.covariance());
        return meanTerm + CommonOps_DDRM.trace(sigmaA) + CommonOps_DDRM.trace(sigmaB)
                - 2.0 * traceOfSqrtProduct(sigmaA, sigmaB);
    }

    /** Tr((Σ1Σ2)^{1/2}) = Tr((S1Σ2S1)^{1/2}) with S1 = Σ1^{1/2}. */
    static double traceOfSqrtProduct(DMatrixRMaj sigma1, DMatrixRMaj sigma2) {
        DMatrixRMaj s1 = PsdMatrices.sqrt(sigma1);
        DMatrixRMaj left = new DMatrixRMaj(s1.numRows, s1.numCols);
        CommonOps_DDRM.mult(s1, sigma2, left);
        DMatrixRMaj product = new DMatrixRMaj(s1.numRows, s1.numCols);
        CommonOps_DDRM.mult(left, s1, product);
        return PsdMatrices.traceOfSqrt(PsdMatrices.symmetrised(product));
    }
}
