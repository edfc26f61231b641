package org.tbcm4j.nn;

/**
 * A continuous scalar (diffusion time, or a guidance scale) → sinusoid of (inputScale·s) → Linear →
 * SiLU → Linear. The input is never rounded, so the embedding's derivative in s is exact (Sana-Sprint's
 * "dense" time embedding; integer time would make dF/dt zero).
 */
public final class TimestepEmbedder extends Module {
    private final Linear fc1;
    private final Linear fc2;
    private final int frequencyDim;
    private final double inputScale;
    private final double maxPeriod;

    public TimestepEmbedder(long hidden, int frequencyDim, double inputScale, double maxPeriod) {
        this(hidden, frequencyDim, inputScale, maxPeriod, false);
    }

    /** With {@code zeroOutput} the last layer starts at zero, so the embedding starts as exactly 0. */
    public TimestepEmbedder(long hidden, int frequencyDim, double inputScale, double maxPeriod, boolean zeroOutput) {
        this.frequencyDim = frequencyDim;
        this.inputScale = inputScale;
        this.maxPeriod = maxPeriod;
        this.fc1 = child("mlp.0", new Linear(frequencyDim, hidden, true, Init.normal(0.02), Init.zeros()));
        this.fc2 = child("mlp.2", zeroOutput
                ? Linear.zero(hidden, hidden)
                : new Linear(hidden, hidden, true, Init.normal(0.02), Init.zeros()));
    }

    /** s of shape [B] → embedding [B, hidden]. */
    public Dual forward(Dual s) {
        Dual freq = EmbeddingOps.sinusoidal(Arith.scale(s, inputScale), frequencyDim, maxPeriod);
        return fc2.forward(Activations.silu(fc1.forward(freq)));
    }
}
