package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {
    private static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    private static double[][] diagonal(double... values) {
        double[][] m = new double[values.length][values.length];
        for (int i = 0; i < values.length; i++) {
            m[i][i] = values[i];
        }
        return m;
    }

    /** Tr((AB)^{1/2}) for 2×2 A, B whose product has positive eigenvalues λ1, λ2: √λ1 + √λ2 = √(tr + 2√det). */
    private static double traceSqrtOfProduct2x2(double[][] a, double[][] b) {
        double p00 = a[0][0] * b[0][0] + a[0][1] * b[1][0];
        double p01 = a[0][0] * b[0][1] + a[0][1] * b[1][1];
        double p10 = a[1][0] * b[0][0] + a[1][1] * b[1][0];
        double p11 = a[1][0] * b[0][1] + a[1][1] * b[1][1];
        double det = p00 * p11 - p01 * p10;
        return Math.sqrt(p00 + p11 + 2 * Math.sqrt(det));
    }

    @Test
    void distanceOfASetToItselfIsZero() {
        // 128-d features with a full covariance: a random mixing of independent Gaussians.
        double[][] mixing = Samples.standard(1, 128, 128, 0.0);
        double[][] rows = Samples.transformed(Samples.standard(2, 2000, 128, 0.5), mixing);
        FeatureStats stats = FeatureStats.of(rows);
        double scale = trace(stats.covariance());
        assertEquals(0.0, FrechetDistance.between(stats, stats) / scale, 1e-9);
        assertEquals(0.0, FrechetDistance.between(rows, rows) / scale, 1e-9);
    }

    @Test
    void diagonalGaussiansMatchTheClosedForm() {
        double[] mu1 = {1, -2, 0.5, 3};
        double[] mu2 = {0, 1, 0.5, -1};
        double[] a = {4, 0.25, 1, 9};
        double[] b = {1, 2, 0.01, 9};
        double expected = 0;
        for (int i = 0; i < a.length; i++) {
            expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        double fd = FrechetDistance.between(new FeatureStats(mu1, diagonal(a), 0), new FeatureStats(mu2, diagonal(b), 0));
        assertEquals(expected, fd, 1e-12 * expected);
    }

    @Test
    void nonCommutingFullCovariancesMatchThe2x2ClosedForm() {
        double[][] s1 = {{2.0, 0.8}, {0.8, 1.0}};
        double[][] s2 = {{0.5, -0.3}, {-0.3, 3.0}};
        DMatrixRMaj ab = new DMatrixRMaj(2, 2);
        DMatrixRMaj ba = new DMatrixRMaj(2, 2);
        CommonOps_DDRM.mult(new DMatrixRMaj(s1), new DMatrixRMaj(s2), ab);
        CommonOps_DDRM.mult(new DMatrixRMaj(s2), new DMatrixRMaj(s1), ba);
        assertTrue(Math.abs(ab.get(0, 1) - ba.get(0, 1)) > 0.1, "the test needs a non-commuting pair");

        double[] mu1 = {0.3, -1};
        double[] mu2 = {1.3, 1};
        double expected = 1 + 4 + trace(s1) + trace(s2) - 2 * traceSqrtOfProduct2x2(s1, s2);
        FeatureStats g1 = new FeatureStats(mu1, s1, 0);
        FeatureStats g2 = new FeatureStats(mu2, s2, 0);
        assertEquals(expected, FrechetDistance.between(g1, g2), 1e-12);
        assertEquals(expected, FrechetDistance.between(g2, g1), 1e-12);
    }

    @Test
    void matrixSquareRootMatchesThe2x2ClosedForm() {
        // sqrt(M) = (M + √det·I) / √(tr + 2√det) for a 2×2 SPD matrix.
        double[][] m = {{2.0, 0.8}, {0.8, 1.0}};
        double rootDet = Math.sqrt(m[0][0] * m[1][1] - m[0][1] * m[1][0]);
        double norm = Math.sqrt(m[0][0] + m[1][1] + 2 * rootDet);
        DMatrixRMaj root = PsdMatrices.sqrt(new DMatrixRMaj(m));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals((m[i][j] + (i == j ? rootDet : 0)) / norm, root.get(i, j), 1e-14);
            }
        }
    }

    @Test
    void argumentOrderDoesNotMatterForLargerNonCommutingPairs() {
        // S1Σ2S1 and S2Σ1S2 are different matrices with the same eigenvalues: a check of the whole route.
        double[][] x = Samples.transformed(Samples.standard(3, 400, 6, 0), Samples.standard(4, 6, 6, 0));
        double[][] y = Samples.transformed(Samples.standard(5, 400, 6, 1), Samples.standard(6, 6, 6, 0));
        FeatureStats a = FeatureStats.of(x);
        FeatureStats b = FeatureStats.of(y);
        double ab = FrechetDistance.between(a, b);
        assertTrue(ab > 1);
        assertEquals(ab, FrechetDistance.between(b, a), 1e-10 * ab);
    }

    @Test
    void sampleStatisticsApproachTheClosedForm() {
        // Both Gaussians share the rotation R, so Σ1 = R·diag(a)·Rᵀ and Σ2 = R·diag(b)·Rᵀ are full
        // matrices, and FD = |μ1 − μ2|² + Σ (√a_i − √b_i)² (FD is invariant under a common rotation).
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] rotation = {{c, -s, 0}, {s * 0.6, c * 0.6, -0.8}, {s * 0.8, c * 0.8, 0.6}};
        double[] a = {4, 1, 0.25};
        double[] b = {1, 2.25, 1};
        double[] mu1 = {0, 0, 0};
        double[] shift = {1, -0.5, 0.5};
        int n = 100_000;
        double[][] x = Samples.transformed(Samples.gaussian(7, n, mu1, sqrt(a)), rotation);
        double[][] y = Samples.transformed(Samples.gaussian(8, n, shift, sqrt(b)), rotation);
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            expected += shift[i] * shift[i] + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        double fd = FrechetDistance.between(x, y);
        assertEquals(expected, fd, 0.02 * expected, "closed form " + expected + ", from samples " + fd);
    }

    @Test
    void rejectsACovarianceThatIsNotPositiveSemidefinite() {
        FeatureStats ok = new FeatureStats(new double[] {0, 0}, diagonal(1, 1), 0);
        FeatureStats indefinite = new FeatureStats(new double[] {0, 0}, new double[][] {{1, 2}, {2, 1}}, 0);
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(indefinite, ok));
    }

    private static double[] sqrt(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.sqrt(v[i]);
        }
        return r;
    }
}
