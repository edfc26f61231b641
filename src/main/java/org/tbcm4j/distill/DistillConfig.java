package org.tbcm4j.distill;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import org.tbcm4j.config.MayBeNull;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Json;

/**
 * configs/distill*.yaml: TBCM (or its data-based baseline) on a shipped teacher. Pairs per iteration are
 * derived, never typed: prompts_per_iteration × (route_steps − 1) for both pair sources, so the two
 * arms train on the same number of pairs.
 *
 * @param pairs "trajectory" (image-free TBCM) or "data" (Sana-Sprint's sCM without LADD)
 * @param promptsPerIteration prompts rolled out per iteration [1 per GPU]
 * @param routeSteps K, points of the reference route [16]
 * @param routeShift the route's shift [2.5]
 * @param route how each prompt's route is drawn: {@code jittered} (official), {@code fixed} (the
 *     reference route itself, an ablation of the jitter) or {@code logit_normal_sorted} (the official
 *     code's unused sample_ordered_timesteps); optional, default jittered
 * @param rolloutPoints {@code all} (official: every non-noise point of a rollout is a pair) or {@code one}
 *     (one uniformly chosen point per rollout, an ablation); optional, default all
 * @param rolloutStore 0 (official: fresh rollouts every iteration) or N: the rollouts of N prompts are
 *     made once and each iteration draws its prompts from them (an ablation); optional, default 0
 * @param guidanceScales the scales a prompt (or data pair) draws w from [{4, 4.5, 5} for Sana]
 * @param student the student's own settings
 * @param evaluation how to measure the student along the run (null: no evaluation)
 * @param ladd LADD beside sCM (with data pairs: Sana-Sprint); optional, default off
 */
public record DistillConfig(String name, long seed, String teacher, String pairs, int promptsPerIteration,
        int routeSteps, double routeShift,
        @JacksonInject(value = Json.ABSENT + "route", useInput = OptBoolean.TRUE) String route,
        @JacksonInject(value = Json.ABSENT + "rolloutPoints", useInput = OptBoolean.TRUE) String rolloutPoints,
        @JacksonInject(value = Json.ABSENT + "rolloutStore", useInput = OptBoolean.TRUE) Integer rolloutStore,
        GuidanceScales guidanceScales, StudentSettings student, @MayBeNull FilterConfig filter,
        @MayBeNull DataPairsConfig dataPairs, LossSettings loss, TrainingConfig training,
        @MayBeNull EvaluationConfig evaluation,
        @JacksonInject(value = Json.ABSENT + "ladd", useInput = OptBoolean.TRUE) LaddConfig ladd) {

    /** Bounds that keep a config's sizes honest before anything is allocated. */
    private static final int MAX_ROUTE_STEPS = 1000;
    private static final int MAX_PAIRS_PER_ITERATION = 1 << 20;
    private static final int MAX_ROLLOUT_STORE = 1 << 20;
    public static final String JITTERED = "jittered";
    public static final String FIXED = "fixed";
    public static final String LOGIT_NORMAL_SORTED = "logit_normal_sorted";

    /** The student's settings: its guidance embedding sees guidanceInputScale·w [0.1]. */
    public record StudentSettings(double guidanceInputScale) {}

    /** The degenerate-sample filter. */
    public record FilterConfig(boolean enabled, double threshold, String reference) {
        public FilterConfig {
            if (enabled && !(threshold > 0)) {
                throw new IllegalArgumentException("filter.threshold must be positive, got " + threshold);
            }
        }
    }

    /** The baseline's pairs: t = atan(exp(N(pMean, pStd²))/σ_d). */
    public record DataPairsConfig(double pMean, double pStd, String autoencoder) {
        public DataPairsConfig {
            if (!(pStd > 0)) {
                throw new IllegalArgumentException("data_pairs.p_std must be positive, got " + pStd);
            }
        }
    }

    /** Evaluation of 1- and 2-step samples every training.eval_every steps. */
    public record EvaluationConfig(String autoencoder, String classifier, String reference, int samples,
            double guidance, double intermediateTime) {
        public EvaluationConfig {
            GuidanceScales.check("evaluation.guidance", guidance);
            if (samples < 10) {
                throw new IllegalArgumentException("evaluation.samples must be at least 10, got " + samples);
            }
        }
    }

    public DistillConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (!"trajectory".equals(pairs) && !"data".equals(pairs)) {
            throw new IllegalArgumentException("pairs must be trajectory or data, got " + pairs);
        }
        if (routeSteps < 2 || routeSteps > MAX_ROUTE_STEPS) {
            throw new IllegalArgumentException("route_steps (K) must be between 2 and " + MAX_ROUTE_STEPS + ", got "
                    + routeSteps);
        }
        if (!(routeShift > 0)) {
            throw new IllegalArgumentException("route_shift must be positive, got " + routeShift);
        }
        route = route == null ? JITTERED : route;
        if (!java.util.List.of(JITTERED, FIXED, LOGIT_NORMAL_SORTED).contains(route)) {
            throw new IllegalArgumentException("route must be jittered, fixed or logit_normal_sorted, got " + route);
        }
        rolloutPoints = rolloutPoints == null ? "all" : rolloutPoints;
        if (!"all".equals(rolloutPoints) && !"one".equals(rolloutPoints)) {
            throw new IllegalArgumentException("rollout_points must be all or one, got " + rolloutPoints);
        }
        rolloutStore = rolloutStore == null ? 0 : rolloutStore;
        if (rolloutStore < 0 || rolloutStore > MAX_ROLLOUT_STORE) {
            throw new IllegalArgumentException("rollout_store must be 0 (fresh rollouts) or a number of prompts up to "
                    + MAX_ROLLOUT_STORE + ", got " + rolloutStore);
        }
        if (rolloutStore > 0 && rolloutStore < promptsPerIteration) {
            throw new IllegalArgumentException("rollout_store (" + rolloutStore + ") must hold at least "
                    + "prompts_per_iteration (" + promptsPerIteration + ") prompts");
        }
        if (guidanceScales == null) {
            throw new IllegalArgumentException("guidance_scales is required");
        }
        if (promptsPerIteration < 1) {
            throw new IllegalArgumentException("prompts_per_iteration must be at least 1, got " + promptsPerIteration);
        }
        if ((long) promptsPerIteration * (routeSteps - 1) > MAX_PAIRS_PER_ITERATION) {
            throw new IllegalArgumentException("prompts_per_iteration × (route_steps − 1) = "
                    + (long) promptsPerIteration * (routeSteps - 1) + " pairs per iteration is over the limit of "
                    + MAX_PAIRS_PER_ITERATION);
        }
        if (student == null || !(student.guidanceInputScale() > 0)) {
            throw new IllegalArgumentException("student.guidance_input_scale must be positive");
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss is required");
        }
        if (training == null) {
            throw new IllegalArgumentException("training is required");
        }
        // Off is one value whatever the section says, so a run from before LADD existed and one whose
        // config lists LADD's settings but leaves it off are the same config (the experiment runner compares them).
        ladd = ladd == null || !ladd.enabled() ? LaddConfig.off() : ladd;
        if (ladd.enabled() && !"data".equals(pairs)) {
            throw new IllegalArgumentException("ladd.enabled needs pairs: data (Sana-Sprint is sCM plus LADD on real "
                    + "images; LADD on trajectory pairs is not the comparison the paper makes)");
        }
        if (training.batchSize() != null) {
            throw new IllegalArgumentException("training.batch_size is not set for a distillation: the pairs per "
                    + "iteration are derived, prompts_per_iteration × (route_steps − 1) = "
                    + (long) promptsPerIteration * (routeSteps - 1) + "; remove the key");
        }
    }

    /** Pairs per iteration, for either source: prompts × (K − 1), or prompts with one point per rollout. */
    public int pairsPerIteration() {
        return promptsPerIteration * pointsPerRollout();
    }

    /** Pairs a rollout gives: its K − 1 non-noise points, or one. */
    public int pointsPerRollout() {
        return "one".equals(rolloutPoints) ? 1 : routeSteps - 1;
    }

    /** The same config with another pair source (the command line's --pairs). */
    public DistillConfig withPairs(String newPairs) {
        return new DistillConfig(name, seed, teacher, newPairs, promptsPerIteration, routeSteps, routeShift, route,
                rolloutPoints, rolloutStore, guidanceScales, student, filter, dataPairs, loss, training, evaluation, ladd);
    }

    /**
     * The same run stretched or shrunk to {@code steps} iterations, every schedule with it: the learning-rate
     * warm-up, r's tangent warm-up and its calm-down (start and length) scale by steps / training.steps, so a
     * shortened run still warms up and calms down in the same part of the run.
     */
    public DistillConfig rescaledTo(long steps) {
        double f = (double) steps / training.steps();
        TrainingConfig t = training.withSchedule(steps, (int) Math.round(training.warmupSteps() * f));
        LossSettings l = new LossSettings(Math.round(loss.tangentWarmup() * f), loss.calmDown(),
                Math.round(loss.calmDownStart() * f), Math.round(loss.calmDownSteps() * f), loss.finalR(),
                loss.normConstant());
        return new DistillConfig(name, seed, teacher, pairs, promptsPerIteration, routeSteps, routeShift, route,
                rolloutPoints, rolloutStore, guidanceScales, student, filter, dataPairs, l, t, evaluation, ladd);
    }

    /** The same config with another schedule. */
    public DistillConfig withTraining(TrainingConfig newTraining) {
        return new DistillConfig(name, seed, teacher, pairs, promptsPerIteration, routeSteps, routeShift, route,
                rolloutPoints, rolloutStore, guidanceScales, student, filter, dataPairs, loss, newTraining, evaluation,
                ladd);
    }
}
