package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrecisionRecallTest {
    private static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return s;
    }

    /** The k-NN radius by sorting each point's distances to all others. */
    private static double[] naiveRadii(double[][] points, int k) {
        double[] radii = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            double[] others = new double[points.length - 1];
            int n = 0;
            for (int j = 0; j < points.length; j++) {
                if (j != i) {
                    others[n++] = squaredDistance(points[i], points[j]);
                }
            }
            java.util.Arrays.sort(others);
            radii[i] = others[k - 1];
        }
        return radii;
    }

    /** Fraction of queries inside at least one ball of the manifold. */
    private static double naiveCoverage(double[][] manifold, double[] radii, double[][] queries) {
        int inside = 0;
        for (double[] q : queries) {
            for (int i = 0; i < manifold.length; i++) {
                if (squaredDistance(q, manifold[i]) <= radii[i]) {
                    inside++;
                    break;
                }
            }
        }
        return (double) inside / queries.length;
    }

    @Test
    void radiiSkipThePointItselfAndTakeTheKthNeighbour() {
        double[][] line = {{0}, {1}, {3}, {6}, {10}};
        assertArrayEquals(new double[] {1, 1, 4, 9, 16}, PrecisionRecall.squaredKnnRadii(line, 1), 0.0);
        assertArrayEquals(new double[] {9, 4, 9, 16, 49}, PrecisionRecall.squaredKnnRadii(line, 2), 0.0);
        assertThrows(IllegalArgumentException.class, () -> PrecisionRecall.squaredKnnRadii(line, 5));
    }

    @Test
    void blockedComputationMatchesBruteForce() {
        // Sizes that leave partial row blocks, partial 4-row groups and a partial column tile.
        double[][] real = Samples.standard(1, 301, 6, 0.0);
        double[][] generated = Samples.standard(2, 259, 6, 0.4);
        int k = 3;
        assertArrayEquals(naiveRadii(real, k), PrecisionRecall.squaredKnnRadii(real, k), 1e-9);
        double precision = naiveCoverage(real, naiveRadii(real, k), generated);
        double recall = naiveCoverage(generated, naiveRadii(generated, k), real);
        assertTrue(precision > 0.2 && precision < 0.98 && recall > 0.2 && recall < 0.98,
                "the check needs partial overlap: " + precision + ", " + recall);
        PrecisionRecall.Result result = PrecisionRecall.compute(real, generated, k);
        assertEquals(precision, result.precision(), 0.0);
        assertEquals(recall, result.recall(), 0.0);
    }

    @Test
    void identicalSetsHavePrecisionAndRecallOfExactlyOne() {
        double[][] real = Samples.standard(3, 333, 16, 0.0);
        double[][] copy = new double[real.length][];
        for (int i = 0; i < real.length; i++) {
            copy[i] = real[i].clone();
        }
        assertEquals(new PrecisionRecall.Result(1.0, 1.0), PrecisionRecall.compute(real, copy));
    }

    @Test
    void coveringHalfTheModesGivesFullPrecisionAndHalfRecall() {
        double[][] left = Samples.gaussian(4, 500, new double[] {-20, 0}, new double[] {1, 1});
        double[][] right = Samples.gaussian(5, 500, new double[] {20, 0}, new double[] {1, 1});
        double[][] real = new double[1000][];
        System.arraycopy(left, 0, real, 0, 500);
        System.arraycopy(right, 0, real, 500, 500);
        double[][] generated = Samples.gaussian(6, 500, new double[] {20, 0}, new double[] {1, 1});
        PrecisionRecall.Result result = PrecisionRecall.compute(real, generated);
        assertEquals(1.0, result.precision(), 0.03, result.toString());
        assertEquals(0.5, result.recall(), 0.03, result.toString());
    }

    @Test
    void aFarAwaySetHasNeitherPrecisionNorRecall() {
        double[][] real = Samples.standard(7, 400, 8, 0.0);
        double[][] generated = Samples.standard(8, 400, 8, 50.0);
        assertEquals(new PrecisionRecall.Result(0.0, 0.0), PrecisionRecall.compute(real, generated));
    }
}
