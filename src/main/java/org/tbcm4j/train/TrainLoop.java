package org.tbcm4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.RunFailure;

/**
 * The training loop shared by every model. Each step: the task's loss in a StepScope and a
 * GradientCollector, AdamW (a non-finite step is skipped and counted), the EMA. Around the steps, each
 * concern has one place: {@link MetricWindow} (metrics.csv), the periodic evaluation, snapshots of the
 * inference weights, resumable checkpoints, and the final weights exported to model.safetensors.
 */
public final class TrainLoop {
    private final RunDirectory dir;
    private final String kind;
    private final Object modelConfig;
    private final TrainingConfig config;
    private final long seed;
    private final Map<String, String> provenance;

    /** What a run did. */
    public record Outcome(long firstStep, long lastStep, long skippedSteps, double seconds, boolean finished) {}

    public TrainLoop(RunDirectory dir, String kind, Object modelConfig, TrainingConfig config, long seed) {
        this(dir, kind, modelConfig, config, seed, Map.of());
    }

    /**
     * With {@code provenance} written into every file the run saves (e.g. the fingerprint of the
     * autoencoder whose latents a diffusion model learns, {@link ModelFile#KEY_AUTOENCODER}).
     */
    public TrainLoop(RunDirectory dir, String kind, Object modelConfig, TrainingConfig config, long seed,
            Map<String, String> provenance) {
        this.dir = dir;
        this.kind = kind;
        this.modelConfig = modelConfig;
        this.config = config;
        this.seed = seed;
        this.provenance = Map.copyOf(provenance);
    }

    /**
     * Trains {@code model} (with {@code emaModel}, a module of the same structure, when the config keeps
     * an EMA) from step 1, or from the last checkpoint when {@code resume}. {@code stopAfter} > 0 ends
     * the run after that step, with a checkpoint saved, as an interruption would.
     */
    public Outcome run(Module model, Module emaModel, TrainingTask task, boolean resume, long stopAfter,
            NDManager root) {
        dir.prepare(resume);
        AdamW optimizer = new AdamW(model, config.optimizer(), root);
        if (config.emaDecay() > 0 && emaModel == null) {
            throw new IllegalArgumentException("training.ema_decay is " + config.emaDecay()
                    + " but this command keeps no EMA model");
        }
        Ema ema = config.emaDecay() > 0 ? new Ema(model, emaModel, config.emaDecay(), config.emaWarmup()) : null;
        Module inference = ema == null ? model : ema.average();
        Adversary adversary = task.adversary();
        TrainingCheckpoint.AdversaryState adversaryState = adversary == null ? null
                : new TrainingCheckpoint.AdversaryState(adversary.model(), new AdamW(adversary.model(),
                        adversary.optimizer(), root));
        long start = resume ? restore(model, ema, optimizer, adversaryState, root) : 0;
        MetricWindow window = new MetricWindow(dir, task, start);
        long end = stopAfter > 0 ? Math.min(stopAfter, config.steps()) : config.steps();
        SkipWindow skips = new SkipWindow(config.maxSkippedFraction());
        try (Progress progress = new Progress(kind, config.steps(), start, task.unit())) {
            for (long step = start + 1; step <= end; step++) {
                long t0 = System.nanoTime();
                StepOutcome done = step(task, step, optimizer, ema, adversary, adversaryState, root);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (done.update().skipped()) {
                    // standard output: standard error is kept for the one line that ends a failed run
                    System.out.printf("step %d: update skipped, gradient norm %s (%d skipped so far)%n", step,
                            done.update().gradNorm(), optimizer.skippedSteps());
                }
                skips.add(step, done.update().skipped());
                window.add(done.metrics(), done.update().gradNorm(), done.update().learningRate(), seconds);
                boolean last = step == end;
                boolean evaluate = (config.evalEvery() > 0 && step % config.evalEvery() == 0) || step == config.steps();
                if (step % config.logEvery() == 0 || last || evaluate) {
                    window.write(step, optimizer.skippedSteps(), evaluate ? evaluate(task, step, inference, root) : Map.of());
                }
                if (config.snapshotEvery() > 0 && step % config.snapshotEvery() == 0) {
                    ModelFile.write(dir.snapshot(step), kind, modelConfig, inference, provenance);
                }
                if (step % config.checkpointEvery() == 0 || last) {
                    TrainingCheckpoint.save(dir.lastCheckpoint(), kind, modelConfig, model,
                            ema == null ? null : ema.average(), optimizer, adversaryState,
                            new TrainingState(step, seed, optimizer.updates(), optimizer.skippedSteps(),
                                    adversaryState == null ? 0L : adversaryState.optimizer().updates(),
                                    adversaryState == null ? 0L : adversaryState.optimizer().skippedSteps()),
                            provenance);
                }
                progress.step(done.metrics().getOrDefault("loss", Double.NaN), task.examplesPerStep() / seconds);
            }
        }
        boolean finished = end == config.steps();
        if (finished) {
            ModelFile.write(dir.model(), kind, modelConfig, inference, provenance);
        }
        return new Outcome(start + 1, end, optimizer.skippedSteps(), window.elapsedSeconds(), finished);
    }

    /**
     * The last {@value TrainingConfig#SKIP_WINDOW} steps' skips: a run whose updates are mostly skipped
     * would otherwise export weights that barely trained, with exit status 0. It stops before its next
     * checkpoint, so the last one stays the last good state.
     */
    private static final class SkipWindow {
        private final boolean[] skipped = new boolean[TrainingConfig.SKIP_WINDOW];
        private final double maxFraction;
        private int count;

        SkipWindow(double maxFraction) {
            this.maxFraction = maxFraction;
        }

        void add(long step, boolean skip) {
            int slot = (int) (step % skipped.length);
            count += (skip ? 1 : 0) - (skipped[slot] ? 1 : 0);
            skipped[slot] = skip;
            if (count > maxFraction * skipped.length) {
                throw new RunFailure(count + " of the last " + skipped.length + " steps (to step " + step + ") were "
                        + "skipped for a non-finite loss or gradient; lower training.lr or training.clip_norm, or raise "
                        + "training.max_skipped_fraction (now " + maxFraction + ")");
            }
        }
    }

    /** Restores weights, EMA and optimizer from the last checkpoint; returns its step. */
    private long restore(Module model, Ema ema, AdamW optimizer, TrainingCheckpoint.AdversaryState adversary,
            NDManager root) {
        TrainingCheckpoint.requireModelConfig(dir.lastCheckpoint(), kind, modelConfig);
        TrainingState state = TrainingCheckpoint.restore(dir.lastCheckpoint(), kind, model,
                ema == null ? null : ema.average(), optimizer, adversary, root);
        if (state.seed() != seed) {
            throw new IllegalArgumentException(dir.lastCheckpoint() + " was trained with seed " + state.seed()
                    + ", not " + seed);
        }
        return state.step();
    }

    /** A step's metrics as numbers, and what the optimiser did. */
    private record StepOutcome(Map<String, Double> metrics, AdamW.StepResult update) {}

    private static StepOutcome step(TrainingTask task, long step, AdamW optimizer, Ema ema, Adversary adversary,
            TrainingCheckpoint.AdversaryState adversaryState, NDManager root) {
        try (StepScope s = StepScope.open(root)) {
            TrainingTask.StepLoss loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = task.loss(step, s.manager());
                gc.backward(loss.loss());
            }
            AdamW.StepResult result = optimizer.step();
            if (ema != null && !result.skipped()) {
                ema.update(optimizer.updates());
            }
            Map<String, NDArray> named = new LinkedHashMap<>(loss.metrics());
            if (adversary != null) {
                // The model's backward also reached the adversary's parameters; its own update starts clean.
                adversaryState.optimizer().clearGradients();
                TrainingTask.StepLoss adversaryLoss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    adversaryLoss = adversary.loss(step, s.manager());
                    gc.backward(adversaryLoss.loss());
                }
                adversaryState.optimizer().step();
                named.putAll(adversaryLoss.metrics());
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : named.entrySet()) {
                metrics.put(e.getKey(), e.getValue().toType(DataType.FLOAT64, false).getDouble());
            }
            return new StepOutcome(metrics, result);
        }
    }

    private static Map<String, Double> evaluate(TrainingTask task, long step, Module weights, NDManager root) {
        try (StepScope s = StepScope.open(root)) {
            return task.evaluate(step, weights, s.manager());
        }
    }
}
