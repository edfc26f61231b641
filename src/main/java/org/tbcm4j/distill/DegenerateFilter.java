package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * TBCM's "black filter": a trajectory whose final sample x̂₀ lies close to a degenerate reference latent
 * (here a blank image's) is dropped with probability 1 − m/threshold, where m is the mean squared
 * difference between x̂₀/σ_d and the reference. Its purpose, as we read it: keep collapsed or blank
 * teacher outputs out of the training pairs.
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
        long b = x0.getShape().get(0);
        NDArray m = Scalars.div(x0, TrigFlow.SIGMA_D).sub(reference).square().reshape(b, -1).mean(new int[] {1});
        double[] distances = m.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        float[] keep = new float[distances.length];
        for (int i = 0; i < keep.length; i++) {
            boolean drop = distances[i] < threshold && rng.uniform() < 1 - distances[i] / threshold;
            keep[i] = drop ? 0f : 1f;
        }
        return keep;
    }
}
