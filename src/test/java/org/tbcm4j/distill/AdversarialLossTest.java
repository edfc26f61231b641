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
}
