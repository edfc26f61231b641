package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * TBCM's "black filter": a trajectory whose final sample x̂₀ lies close to a degenerate reference latent
 * (here a blank image's) is dropped with probability 1 − m/threshold, where m is the mean squared
 * difference between x̂₀/σ_d and the reference. Its purpose, as we read it: keep collapsed or blank
 * teacher outputs out of the training pairs. The threshold is a property of the latent space: see
 * {@code bin/tbcm blank-latent --calibrate}, which measures what it would drop of real images.
 */
public final class DegenerateFilter {
    private final NDArray reference;
    private final double threshold;

    /** @param reference a unit-variance latent [C, H, W] */
    public DegenerateFilter(NDArray reference, double threshold) {
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("filter.threshold must be positive, got " + threshold);
        }
        this.reference = reference;
        this.threshold = threshold;
    }

    /** A keep (1) or drop (0) decision per sample of {@code x0} [B, C, H, W] (data scale). */
    public float[] keep(NDArray x0, Rng rng) {
        double[] distances = distances(Scalars.div(x0, TrigFlow.SIGMA_D), reference);
        float[] keep = new float[distances.length];
        for (int i = 0; i < keep.length; i++) {
            boolean drop = distances[i] < threshold && rng.uniform() < 1 - distances[i] / threshold;
            keep[i] = drop ? 0f : 1f;
        }
        return keep;
    }

    /** m per sample: the mean squared difference between unit-variance latents y [B, C, H, W] and the reference. */
    public static double[] distances(NDArray y, NDArray reference) {
        long b = y.getShape().get(0);
        return y.sub(reference).square().reshape(b, -1).mean(new int[] {1}).toType(DataType.FLOAT64, false)
                .toDoubleArray();
    }

    /** The fraction of samples at distances m that the filter drops in expectation: mean of max(0, 1 − m/threshold). */
    public static double expectedDropRate(double[] distances, double threshold) {
        double sum = 0;
        for (double m : distances) {
            sum += m < threshold ? 1 - m / threshold : 0;
        }
        return distances.length == 0 ? 0 : sum / distances.length;
    }

    /** The largest threshold whose expected drop rate on {@code distances} is at most {@code rate} (bisection). */
    public static double thresholdForDropRate(double[] distances, double rate) {
        double lo = 0;
        double hi = 1;
        while (expectedDropRate(distances, hi) <= rate) {
            hi *= 2;
            if (hi > 1e12) {
                return hi;
            }
        }
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (expectedDropRate(distances, mid) <= rate) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
