package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Batch normalisation over small groups of samples, for token sequences [B, N, C] (StyleGAN-T's
 * BatchNormLocal, as in Sana-Sprint's discriminator heads): the batch is split into g groups, g the
 * smallest divisor of B not below ⌈B/8⌉ (⌈B/8⌉ itself when it divides B, as the official view requires),
 * and each channel is normalised by the mean and biased variance over its group's samples and tokens,
 * then scaled and shifted per channel. No running statistics: training and evaluation behave alike.
 * Over NDArray for the reason given in {@link SpectralTokenConv}.
 */
public final class LocalBatchNorm extends Module {
    private static final int VIRTUAL_BATCH = 8;
    private final Parameter gamma;
    private final Parameter beta;
    private final double eps;

    public LocalBatchNorm(long channels, double eps) {
        this.gamma = parameter("weight", Init.ones(), channels);
        this.beta = parameter("bias", Init.zeros(), channels);
        this.eps = eps;
    }

    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long groups = groups(batch);
        // a group's samples and tokens on one axis: [g, (B/g)·N, C]
        NDArray grouped = x.reshape(groups, batch / groups * s.get(1), s.get(2));
        NDArray mean = grouped.mean(new int[] {1}, true);
        NDArray centred = grouped.sub(mean);
        NDArray variance = centred.square().mean(new int[] {1}, true);
        NDArray normalized = centred.div(Scalars.add(variance, eps).sqrt()).reshape(s);
        return normalized.mul(gamma.array()).add(beta.array());
    }

    /** The number of groups for a batch of {@code batch} samples. */
    static long groups(long batch) {
        long g = (batch + VIRTUAL_BATCH - 1) / VIRTUAL_BATCH;
        while (batch % g != 0) {
            g++;
        }
        return g;
    }
}
