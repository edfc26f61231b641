package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KidTest {
    /** The unbiased MMD² written out pair by pair, as the definition reads. */
    private static double naiveUnbiasedMmd2(double[][] x, double[][] y) {
        int m = x.length;
        int d = x[0].length;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    xx += kernel(x[i], x[j], d);
                    yy += kernel(y[i], y[j], d);
                }
                xy += kernel(x[i], y[j], d);
            }
        }
        return xx / (m * (m - 1.0)) + yy / (m * (m - 1.0)) - 2 * xy / ((double) m * m);
    }

    private static double kernel(double[] a, double[] b, int d) {
        double dot = 0;
        for (int k = 0; k < d; k++) {
            dot += a[k] * b[k];
        }
        return Math.pow(dot / d + 1, 3);
    }

    @Test
    void wholeSetSubsetsReproduceTheDefinition() {
        // Subsets as large as the sets are the sets themselves, so every subset gives the same value.
        double[][] x = Samples.standard(1, 150, 5, 0.0);
        double[][] y = Samples.standard(2, 150, 5, 0.3);
        Kid.Result kid = Kid.compute(x, y, 4, 1000, 11);
        double expected = naiveUnbiasedMmd2(x, y);
        assertEquals(150, kid.subsetSize());
        assertEquals(expected, kid.mean(), 1e-12 * Math.abs(expected) + 1e-15);
        assertEquals(0.0, kid.std(), 1e-12);
    }

    @Test
    void aSetAgainstItselfIsNearZeroAndDifferentSetsAreClearlyPositive() {
        double[][] x = Samples.standard(3, 1200, 16, 0.0);
        double[][] shifted = Samples.standard(4, 1200, 16, 0.5);
        Kid.Result same = Kid.compute(x, x, 20, 300, 5);
        Kid.Result different = Kid.compute(x, shifted, 20, 300, 5);
        assertEquals(300, different.subsetSize());
        assertTrue(different.mean() > 10 * different.std(), "different: " + different);
        assertTrue(Math.abs(same.mean()) < 0.02 * different.mean(), "same " + same + " vs different " + different);
    }

    @Test
    void independentSamplesOfOneDistributionAverageToZero() {
        double[][] x = Samples.standard(5, 10_000, 16, 0.0);
        double[][] y = Samples.standard(6, 10_000, 16, 0.0);
        double[][] shifted = Samples.standard(7, 10_000, 16, 0.5);
        int size = 300;
        Kid.Result same = Kid.compute(x, y, 100, size, 9);
        Kid.Result different = Kid.compute(x, shifted, 100, size, 9);
        // A biased (V-statistic) estimate, which keeps the diagonal terms, would exceed the unbiased one
        // by 2(E k(x,x) − E k(x,y)) / size in expectation (about 0.05 here); the unbiased one is 0.
        double diagonal = 0;
        double offDiagonal = 0;
        for (int i = 0; i < size; i++) {
            diagonal += kernel(x[i], x[i], 16) / size;
            offDiagonal += kernel(x[i], y[i], 16) / size;
        }
        double vStatisticBias = 2 * (diagonal - offDiagonal) / size;
        assertTrue(Math.abs(same.mean()) < 0.25 * vStatisticBias, "same " + same + ", bias " + vStatisticBias);
        assertTrue(Math.abs(same.mean()) < 0.02 * different.mean(), "same " + same + " vs different " + different);
    }

    @Test
    void theSeedFixesTheSubsets() {
        double[][] x = Samples.standard(8, 400, 4, 0.0);
        double[][] y = Samples.standard(9, 400, 4, 0.2);
        Kid.Result first = Kid.compute(x, y, 10, 100, 42);
        assertEquals(first, Kid.compute(x, y, 10, 100, 42));
        assertNotEquals(first.mean(), Kid.compute(x, y, 10, 100, 43).mean());
    }

    @Test
    void defaultSubsetSizeIsCappedBySetSizes() {
        double[][] x = Samples.standard(10, 60, 3, 0.0);
        double[][] y = Samples.standard(11, 80, 3, 0.0);
        Kid.Result kid = Kid.compute(x, y, 1);
        assertEquals(60, kid.subsetSize());
        assertEquals(Kid.DEFAULT_SUBSETS, kid.subsets());
    }
}
