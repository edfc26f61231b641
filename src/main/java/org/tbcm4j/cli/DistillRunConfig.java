package org.tbcm4j.cli;

import org.tbcm4j.distill.LossSettings;
import org.tbcm4j.train.TrainingConfig;

/**
 * configs/distill*.yaml: TBCM (or its data-based baseline) on a shipped teacher.
 *
 * @param pairs "trajectory" (image-free TBCM) or "data" (Sana-Sprint's sCM without LADD)
 * @param promptsPerIteration prompts rolled out per iteration; pairs per iteration = prompts × (routeSteps − 1)
 * @param routeSteps K, points of the reference route [16]
 * @param routeShift the route's shift [2.5]
 * @param guidanceScales guidance scales a prompt (or data pair) draws from [{4, 4.5, 5} for Sana]
 * @param guidanceInputScale the student's guidance embedding sees this times w [0.1]
 * @param evaluation how to measure the student along the run (null: no evaluation)
 */
public record DistillRunConfig(String name, long seed, String teacher, String pairs, int promptsPerIteration,
        int routeSteps, double routeShift, double[] guidanceScales, double guidanceInputScale, FilterConfig filter,
        DataPairsConfig dataPairs, LossSettings loss, TrainingConfig training, EvaluationConfig evaluation) {

    /** The degenerate-sample filter. */
    public record FilterConfig(boolean enabled, double threshold, String reference) {}

    /** The baseline's pairs: t = atan(exp(N(pMean, pStd²))/σ_d). */
    public record DataPairsConfig(double pMean, double pStd, String autoencoder) {}

    /** Evaluation of 1- and 2-step samples every training.eval_every steps. */
    public record EvaluationConfig(String autoencoder, String classifier, String reference, int samples,
            double guidance, double intermediateTime) {}

    public DistillRunConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (!"trajectory".equals(pairs) && !"data".equals(pairs)) {
            throw new IllegalArgumentException("pairs must be trajectory or data, got " + pairs);
        }
        if (routeSteps < 2) {
            throw new IllegalArgumentException("route_steps (K) must be at least 2, got " + routeSteps);
        }
        if (!(routeShift > 0)) {
            throw new IllegalArgumentException("route_shift must be positive, got " + routeShift);
        }
        if (guidanceScales == null || guidanceScales.length == 0) {
            throw new IllegalArgumentException("guidance_scales must not be empty");
        }
        for (double w : guidanceScales) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("guidance_scales must be at least 0, got " + w);
            }
        }
        if (promptsPerIteration < 1) {
            throw new IllegalArgumentException("prompts_per_iteration must be at least 1, got " + promptsPerIteration);
        }
        if (training != null && training.batchSize() != promptsPerIteration * (routeSteps - 1)) {
            throw new IllegalArgumentException("training.batch_size must equal the pairs per iteration, "
                    + "prompts_per_iteration × (route_steps − 1) = " + promptsPerIteration * (routeSteps - 1));
        }
        if (filter != null && filter.enabled() && !(filter.threshold() > 0)) {
            throw new IllegalArgumentException("filter.threshold must be positive, got " + filter.threshold());
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss is required");
        }
    }

    /** The same config with another pair source (the command line's --pairs). */
    public DistillRunConfig withPairs(String newPairs) {
        return new DistillRunConfig(name, seed, teacher, newPairs, promptsPerIteration, routeSteps, routeShift,
                guidanceScales, guidanceInputScale, filter, dataPairs, loss, training, evaluation);
    }

    /** The same config with another schedule length. */
    public DistillRunConfig withTraining(TrainingConfig newTraining) {
        return new DistillRunConfig(name, seed, teacher, pairs, promptsPerIteration, routeSteps, routeShift,
                guidanceScales, guidanceInputScale, filter, dataPairs, loss, newTraining, evaluation);
    }
}
