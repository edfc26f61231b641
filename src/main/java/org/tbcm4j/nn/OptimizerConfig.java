package org.tbcm4j.nn;

/**
 * AdamW hyperparameters. Weight decay is decoupled (applied to the weights, not the gradient) and
 * only to parameters of rank ≥ 2 (matrices and kernels, not biases, norms or embeddings' scales).
 *
 * @param lr peak learning rate, reached after {@code warmupSteps} linear warm-up
 * @param clipNorm maximum global gradient norm; 0 disables clipping
 * @param decaySteps 0 keeps the rate constant after warm-up; otherwise it follows a cosine from lr
 *     down to 0 at update {@code decaySteps}
 */
public record OptimizerConfig(double lr, double beta1, double beta2, double eps, double weightDecay, int warmupSteps,
        double clipNorm, long decaySteps) {

    public OptimizerConfig {
        require(lr > 0 && Double.isFinite(lr), "lr", lr);
        require(beta1 >= 0 && beta1 < 1, "beta1", beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2", beta2);
        require(eps > 0, "eps", eps);
        require(weightDecay >= 0, "weight_decay", weightDecay);
        require(warmupSteps >= 0, "warmup_steps", warmupSteps);
        require(clipNorm >= 0, "clip_norm", clipNorm);
        require(decaySteps == 0 || decaySteps > warmupSteps, "decay_steps", decaySteps);
    }

    public static OptimizerConfig defaults(double lr) {
        return new OptimizerConfig(lr, 0.9, 0.999, 1e-8, 0.0, 0, 0.0, 0);
    }

    /** The learning rate for the {@code update}-th update (1-based): linear warm-up, then constant or cosine. */
    public double learningRate(long update) {
        if (update < warmupSteps) {
            return lr * update / warmupSteps;
        }
        if (decaySteps == 0) {
            return lr;
        }
        double progress = Math.min(1.0, (double) (update - warmupSteps) / (decaySteps - warmupSteps));
        return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    private static void require(boolean ok, String field, double value) {
        if (!ok) {
            throw new IllegalArgumentException("optimizer." + field + " = " + value + " is out of range");
        }
    }
}
