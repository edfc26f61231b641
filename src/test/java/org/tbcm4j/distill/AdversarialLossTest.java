package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;
import org.tbcm4j.testing.WithManager;

/** LADD's losses against the formulas of train_scm_ladd.py written out in Java doubles. */
class AdversarialLossTest extends WithManager {
    private static final double[] REAL = {2.5, 0.3, -0.7, 1.0, -3.0, 40.0};
    private static final double[] FAKE = {-1.2, 0.9, -0.2, 5.0, -60.0, 0.0, 1.0};

    private static double softplus(double x) {
        return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    }

    private static double mean(double[] a, java.util.function.DoubleUnaryOperator f) {
        return java.util.Arrays.stream(a).map(f).average().orElseThrow();
    }

    private NDArray of(double[] a) {
        return m.create(a);
    }

    @Test
    void hingeLossesAreHalfTheTwoMarginsForTheDiscriminatorAndMinusTheMeanLogitForTheGenerator() {
        double d = 0.5 * (mean(REAL, x -> Math.max(0, 1 - x)) + mean(FAKE, x -> Math.max(0, 1 + x)));
        assertEquals(d, AdversarialLoss.discriminatorLoss(of(REAL), of(FAKE), LaddConfig.HINGE).getDouble(), 1e-14);
        assertEquals(-mean(FAKE, x -> x), AdversarialLoss.generatorLoss(of(FAKE), LaddConfig.HINGE).getDouble(), 1e-14);
    }

    @Test
    void crossEntropyLossesAreBinaryCrossEntropiesOnTheLogitsWithoutTheHalf() {
        // BCE(l, 1) = softplus(−l), BCE(l, 0) = softplus(l)
        double d = mean(FAKE, AdversarialLossTest::softplus) + mean(REAL, x -> softplus(-x));
        assertEquals(d, AdversarialLoss.discriminatorLoss(of(REAL), of(FAKE), LaddConfig.CROSS_ENTROPY).getDouble(),
                1e-12);
        assertEquals(mean(FAKE, x -> softplus(-x)),
                AdversarialLoss.generatorLoss(of(FAKE), LaddConfig.CROSS_ENTROPY).getDouble(), 1e-12);
    }

    @Test
    void softplusNeitherOverflowsNorLosesSmallValues() {
        double[] xs = {-800, -40, -1, 0, 1e-9, 2, 40, 800};
        double[] got = AdversarialLoss.softplus(of(xs)).toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            double expected = xs[i] > 30 ? xs[i] + Math.exp(-xs[i]) : Math.log1p(Math.exp(xs[i]));
            assertEquals(expected, got[i], 1e-15 + 1e-14 * Math.abs(expected), "softplus(" + xs[i] + ")");
        }
    }

    @Test
    void aMisalignedClassIsNeverTheLabelAndUniformOverTheOthers() {
        int n = 9000;
        long[] labels = new long[n];
        java.util.Arrays.fill(labels, 3);
        long[] other = AdversarialLoss.otherClasses(labels, 10, org.tbcm4j.util.Rng.of(1, "misaligned", 1));
        int[] counts = new int[10];
        for (long c : other) {
            counts[(int) c]++;
        }
        assertEquals(0, counts[3], "a misaligned fake conditioned on its own class is a real");
        for (int c = 0; c < 10; c++) {
            if (c != 3) {
                // 1000 expected per class; sd ≈ 30
                org.junit.jupiter.api.Assertions.assertTrue(Math.abs(counts[c] - 1000) < 150, c + ": " + counts[c]);
            }
        }
        long[] two = AdversarialLoss.otherClasses(new long[] {0, 1, 0, 1}, 2, org.tbcm4j.util.Rng.of(2, "m", 1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {1, 0, 1, 0}, two);
    }
}
