package org.tbcm4j.distill;

import org.tbcm4j.util.OptionalKey;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Json;

/**
 * configs/distill*.yaml: a distillation of a shipped teacher by one {@link Method}. Pairs per iteration are
 * derived, never typed: prompts_per_iteration × (route_steps − 1) for every method, so the methods train
 * on the same number of pairs.
 *
 * @param method {@code tbcm} (image-free), {@code scm} (data-based sCM) or {@code sana_sprint} (data-based
 *     sCM plus LADD); see {@link Method}. Configs from before it existed say {@code pairs} (and
 *     {@code ladd.enabled}) instead, which are read as the method they name
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
 * @param ladd LADD's settings, read by method sana_sprint (null for the other methods)
 * @param dmd the distribution-matching regulariser's settings, read by method tbcm_dmd (null for the others)
 * @param pairs the old spelling of {@code method} ({@code trajectory} or {@code data}); read, never
 *     written: null once the config is bound
 * @param trajectoryStore a trajectory store (bin/tbcm rollouts) that TBCM reads its pairs from instead of
 *     rolling the teacher out; optional, default none (online rollouts, as the official code)
 */
public record DistillConfig(String name, long seed, String teacher,
        @OptionalKey String method, int promptsPerIteration,
        int routeSteps, double routeShift,
        @OptionalKey String route,
        @OptionalKey String rolloutPoints,
        @OptionalKey Integer rolloutStore,
        GuidanceScales guidanceScales, StudentSettings student, @OptionalKey FilterConfig filter,
        @OptionalKey DataPairsConfig dataPairs, LossSettings loss, TrainingConfig training,
        @OptionalKey EvaluationConfig evaluation,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @OptionalKey LaddConfig ladd,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @OptionalKey DmdConfig dmd,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @OptionalKey String pairs,
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @OptionalKey String trajectoryStore) {

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

    /**
     * The data methods' pairs: t = atan(exp(N(pMean, pStd²))/σ_d); {@code precomputedLatents} (optional,
     * default false) encodes the training images once instead of every batch.
     */
    public record DataPairsConfig(double pMean, double pStd, String autoencoder,
            @OptionalKey Boolean precomputedLatents) {
        public DataPairsConfig {
            precomputedLatents = precomputedLatents != null && precomputedLatents;
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
        method = methodOf(method, pairs, ladd);
        pairs = null;

        ladd = ladd == null ? null : ladd.withoutEnabled();
        Method chosen = Method.of(method);
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
        if (trajectoryStore != null && (!Tbcm.KEY.equals(method) || !"all".equals(rolloutPoints) || rolloutStore > 0)) {
            throw new IllegalArgumentException("trajectory_store holds every point of fresh rollouts for method tbcm; "
                    + "it does not go with method " + method + ", rollout_points one or a rollout_store");
        }
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
        // Only Sana-Sprint reads the ladd section; for the other methods it is dropped, so that a config that
        // lists LADD's settings and one without them are the same config (the experiment runner compares them).
        if (!(chosen instanceof SanaSprint)) {
            ladd = null;
        } else if (ladd == null) {
            throw new IllegalArgumentException("method sana_sprint needs a ladd section (head_block_ids, adv_lambda, "
                    + "scm_lambda, loss, t_mean, t_std, largest_timestep_prob, misaligned)");
        } else {
            ladd.check();
        }
        if (!(chosen instanceof TbcmDmd)) {
            dmd = null;
        } else if (dmd == null) {
            throw new IllegalArgumentException("method tbcm_dmd needs a dmd section (weight, start, samples_per_iteration, "
                    + "timestep_shift, fake_lr_ratio)");
        }
        if (chosen.readsImages() && dataPairs == null) {
            throw new IllegalArgumentException("method " + method + " reads real images: it needs a data_pairs section "
                    + "(p_mean, p_std, autoencoder)");
        }
        if (training.batchSize() != null) {
            throw new IllegalArgumentException("training.batch_size is not set for a distillation: the pairs per "
                    + "iteration are derived, prompts_per_iteration × (route_steps − 1) = "
                    + (long) promptsPerIteration * (routeSteps - 1) + "; remove the key");
        }
    }

    /**
     * The method a config names: {@code method}, or in a config from before that key, {@code pairs}
     * (trajectory → tbcm, data → scm) with {@code ladd.enabled: true} making data sana_sprint. Both
     * spellings at once must agree.
     */
    private static String methodOf(String method, String pairs, LaddConfig ladd) {
        Boolean laddOn = ladd == null ? null : ladd.enabled();
        if (pairs == null && laddOn == null) {
            if (method == null) {
                throw new IllegalArgumentException("method is required: one of " + String.join(", ", Method.KEYS));
            }
            return method;
        }
        String old = "pairs and ladd.enabled are the old spelling of method (pairs: trajectory is method: tbcm, pairs: "
                + "data is scm, and with ladd.enabled: true sana_sprint)";
        String implied;
        if ("trajectory".equals(pairs)) {
            if (Boolean.TRUE.equals(laddOn)) {
                throw new IllegalArgumentException("ladd.enabled: true with pairs: trajectory names no method (LADD needs "
                        + "real images: Sana-Sprint is sCM plus LADD on data pairs); write method: sana_sprint or tbcm "
                        + "instead of both keys");
            }
            implied = Tbcm.KEY;
        } else if ("data".equals(pairs)) {
            implied = Boolean.TRUE.equals(laddOn) ? SanaSprint.KEY : DataScm.KEY;
        } else if (pairs == null) {
            // ladd.enabled alone: true means Sana-Sprint, false any other method
            implied = laddOn ? SanaSprint.KEY : SanaSprint.KEY.equals(method) ? DataScm.KEY : method;
        } else {
            throw new IllegalArgumentException("pairs must be trajectory or data, got " + pairs + "; " + old
                    + ": write method instead");
        }
        if (method != null && !method.equals(implied)) {
            String given = (pairs == null ? "" : "pairs: " + pairs) + (pairs != null && laddOn != null ? " and " : "")
                    + (laddOn == null ? "" : "ladd.enabled: " + laddOn);
            throw new IllegalArgumentException("method: " + method + " disagrees with " + given + "; " + old
                    + ": keep only method");
        }
        if (implied == null) {
            throw new IllegalArgumentException("method is required: one of " + String.join(", ", Method.KEYS));
        }
        return implied;
    }

    /** Pairs per iteration, for either source: prompts × (K − 1), or prompts with one point per rollout. */
    public int pairsPerIteration() {
        return promptsPerIteration * pointsPerRollout();
    }

    /** Pairs a rollout gives: its K − 1 non-noise points, or one. */
    public int pointsPerRollout() {
        return "one".equals(rolloutPoints) ? 1 : routeSteps - 1;
    }

    /** The same config with another method (the command line's --method). */
    public DistillConfig withMethod(String newMethod) {
        return with("method", newMethod);
    }

    /**
     * The same run stretched or shrunk to {@code steps} iterations, every schedule with it: the learning-rate
     * warm-up, r's tangent warm-up and its calm-down (start and length), and the DMD term's start scale by
     * steps / training.steps, so a shortened run still warms up and calms down in the same part of the run.
     */
    public DistillConfig rescaledTo(long steps) {
        double f = (double) steps / training.steps();
        // the learning-rate warm-up must end before the last step (the cosine runs from its end)
        TrainingConfig t = training.withSchedule(steps, (int) Math.min(Math.round(training.warmupSteps() * f), steps - 1));
        LossSettings l = new LossSettings(Math.round(loss.tangentWarmup() * f), loss.calmDown(),
                Math.round(loss.calmDownStart() * f), Math.round(loss.calmDownSteps() * f), loss.finalR(),
                loss.normConstant());
        DistillConfig rescaled = with("training", t).with("loss", l);
        return dmd == null ? rescaled : rescaled.with("dmd", new DmdConfig(dmd.weight(), Math.round(dmd.start() * f),
                dmd.samplesPerIteration(), dmd.timestepShift(), dmd.fakeLrRatio()));
    }

    /** The same config with another schedule. */
    public DistillConfig withTraining(TrainingConfig newTraining) {
        return with("training", newTraining);
    }

    /**
     * The same config with one top-level key or section replaced, through the config's own JSON form (as a
     * --set of that key would), so that no copy lists every component.
     */
    private DistillConfig with(String key, Object value) {
        com.fasterxml.jackson.databind.node.ObjectNode tree = Json.JSON.valueToTree(this);
        tree.set(key, Json.JSON.valueToTree(value));
        return Json.JSON.convertValue(tree, DistillConfig.class);
    }
}
