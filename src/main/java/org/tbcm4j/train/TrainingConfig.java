package org.tbcm4j.train;

import org.tbcm4j.util.OptionalKey;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.tbcm4j.nn.OptimizerConfig;

/**
 * The schedule and optimiser of a training run (the {@code training:} section of a config).
 *
 * @param steps total optimiser steps
 * @param batchSize examples per step; absent where the run derives it (distillation: its pairs per iteration)
 * @param lr peak learning rate (AdamW, β = (0.9, 0.999), ε = 1e-8)
 * @param warmupSteps linear learning-rate warm-up
 * @param cosineDecay decay the rate along a cosine to 0 at the last step (else constant)
 * @param weightDecay decoupled weight decay on matrices and kernels
 * @param clipNorm clip the global gradient norm to this (0: no clipping)
 * @param emaDecay keep an exponential moving average of the weights with this decay (0: none)
 * @param checkpointEvery save a resumable checkpoint every this many steps (and at the end)
 * @param logEvery write a row of averaged metrics every this many steps
 * @param evalEvery run the task's evaluation every this many steps (0: only at the end)
 * @param snapshotEvery also keep the inference weights every this many steps as
 *     {@code snapshots/step-NNNNNNN.safetensors}, to measure quality along training (0: none)
 * @param maxSkippedFraction the run fails when more than this fraction of its last
 *     {@value #SKIP_WINDOW} steps were skipped (a non-finite loss or gradient); optional, default 0.1
 * @param emaWarmup the EMA's warm-up c: after update n the decay is min(emaDecay, (1 + n)/(c + n)), so the
 *     average spans about the last (c + n)/(c − 1) updates until the set decay takes over; 1 turns the
 *     warm-up off; optional, default 10 (the decay then reaches 0.99 only at update 890)
 */
public record TrainingConfig(long steps,
        @JsonInclude(JsonInclude.Include.NON_NULL) @OptionalKey
        Integer batchSize, double lr, int warmupSteps, boolean cosineDecay,
        double weightDecay, double clipNorm, double emaDecay, int checkpointEvery, int logEvery, int evalEvery,
        int snapshotEvery,
        @OptionalKey Double maxSkippedFraction,
        @OptionalKey Double emaWarmup) {

    /** The steps over which the skipped fraction is counted. */
    public static final int SKIP_WINDOW = 100;
    /** The EMA warm-up of every run before it was a key. */
    public static final double DEFAULT_EMA_WARMUP = 10;

    public TrainingConfig {
        maxSkippedFraction = maxSkippedFraction == null ? 0.1 : maxSkippedFraction;
        check(maxSkippedFraction >= 0 && maxSkippedFraction <= 1,
                "training.max_skipped_fraction must be in [0, 1], got " + maxSkippedFraction);
        check(steps > 0, "training.steps must be positive, got " + steps);
        check(batchSize == null || batchSize > 0, "training.batch_size must be positive, got " + batchSize);
        check(emaDecay >= 0 && emaDecay < 1, "training.ema_decay must be in [0, 1), got " + emaDecay);
        emaWarmup = emaWarmup == null ? DEFAULT_EMA_WARMUP : emaWarmup;
        check(emaWarmup >= 1 && emaWarmup <= 1e6, "training.ema_warmup must be in [1, 1000000], got " + emaWarmup);
        check(checkpointEvery > 0, "training.checkpoint_every must be positive, got " + checkpointEvery);
        check(logEvery > 0, "training.log_every must be positive, got " + logEvery);
        check(evalEvery >= 0, "training.eval_every must be 0 or positive, got " + evalEvery);
        check(snapshotEvery >= 0, "training.snapshot_every must be 0 or positive, got " + snapshotEvery);
        // the cosine decays from the end of the warm-up to the last step, so the warm-up must end first
        check(!cosineDecay || warmupSteps < steps, "training.warmup_steps (" + warmupSteps + ") must be below "
                + "training.steps (" + steps + ") when training.cosine_decay is on");
        optimizer(lr, warmupSteps, weightDecay, clipNorm, cosineDecay ? steps : 0);
    }

    /** The batch size of a run that sets it in its config (not a distillation), checked to be there. */
    public int requireBatchSize() {
        check(batchSize != null, "training.batch_size is required");
        return batchSize;
    }

    public OptimizerConfig optimizer() {
        return optimizer(lr, warmupSteps, weightDecay, clipNorm, cosineDecay ? steps : 0);
    }

    /** The same schedule with a different length (a command-line override). */
    public TrainingConfig withSteps(long newSteps) {
        return new TrainingConfig(newSteps, batchSize, lr, warmupSteps, cosineDecay, weightDecay, clipNorm, emaDecay,
                checkpointEvery, logEvery, evalEvery, snapshotEvery, maxSkippedFraction, emaWarmup);
    }

    /** Another length and learning-rate warm-up together (each alone could be invalid against the other). */
    public TrainingConfig withSchedule(long newSteps, int newWarmup) {
        return new TrainingConfig(newSteps, batchSize, lr, newWarmup, cosineDecay, weightDecay, clipNorm, emaDecay,
                checkpointEvery, logEvery, evalEvery, snapshotEvery, maxSkippedFraction, emaWarmup);
    }

    private static OptimizerConfig optimizer(double lr, int warmup, double wd, double clip, long decay) {
        try {
            return new OptimizerConfig(lr, 0.9, 0.999, 1e-8, wd, warmup, clip, decay);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("training." + e.getMessage().replace("optimizer.", ""));
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
