package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

class DegenerateFilterTest extends WithManager {
    /** Samples at known mean squared distances m from a zero reference: every element equals √m. */
    private NDArray atDistances(double... m) {
        float[] v = new float[m.length * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (Math.sqrt(m[i / 4]) * TrigFlow.SIGMA_D); // data scale: the filter divides by σ_d
        }
        return NativeArrays.of(this.m, v, new Shape(m.length, 1, 2, 2));
    }

    @Test
    void distancesAreMeanSquaredDifferencesOfUnitVarianceLatents() {
        NDArray reference = this.m.zeros(new Shape(1, 2, 2));
        double[] d = DegenerateFilter.distances(atDistances(0.25, 1.0, 4.0).div(TrigFlow.SIGMA_D), reference);
        assertArrayEquals(new double[] {0.25, 1.0, 4.0}, d, 1e-6);
    }

    @Test
    void dropsWithProbabilityOneMinusDistanceOverThreshold() {
        NDArray reference = this.m.zeros(new Shape(1, 2, 2));
        DegenerateFilter filter = new DegenerateFilter(reference, 1.0);
        int n = 4000;
        double[] m = new double[n];
        java.util.Arrays.fill(m, 0, n / 2, 0.25);     // dropped with probability 0.75
        java.util.Arrays.fill(m, n / 2, n, 1.5);      // beyond the threshold: always kept
        float[] keep = filter.keep(atDistances(m), Rng.of(3, "filter", 1));
        int droppedNear = 0;
        int droppedFar = 0;
        for (int i = 0; i < n; i++) {
            if (keep[i] == 0f) {
                if (i < n / 2) {
                    droppedNear++;
                } else {
                    droppedFar++;
                }
            }
        }
        assertEquals(0, droppedFar);
        // Binomial(2000, 0.75): standard deviation 19.4; 5 of them is 97.
        assertEquals(1500, droppedNear, 97);
        assertEquals(0.375, DegenerateFilter.expectedDropRate(m, 1.0), 1e-12);
    }

    @Test
    void thresholdForADropRateInvertsTheExpectedRate() {
        double[] m = {0.1, 0.5, 0.9, 2.0, 3.0};
        double threshold = DegenerateFilter.thresholdForDropRate(m, 0.02);
        assertEquals(0.02, DegenerateFilter.expectedDropRate(m, threshold), 1e-9);
        // Below the smallest distance nothing is dropped, so a zero rate allows exactly that distance.
        assertEquals(0.1, DegenerateFilter.thresholdForDropRate(m, 0.0), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new DegenerateFilter(this.m.zeros(new Shape(1)), 0.0));
    }
}
