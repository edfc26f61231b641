package org.tbcm4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.RunFailure;

/**
 * The training loop shared by every model. Each step: the task's loss in a StepScope and a
 * GradientCollector, AdamW (a non-finite step is skipped and counted), the EMA, an adversary's own update.
 * Around the steps, each concern is one {@link TrainingListener}: the skip guard, the periodic evaluation,
 * {@link MetricWindow} (metrics.csv), snapshots of the inference weights, resumable checkpoints and the
 * progress bar; then the final weights are exported to model.safetensors.
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
        return run(model, emaModel, task, resume, stopAfter, root, List.of(), Phases.NONE);
    }

    /**
     * The same, with {@code extra} listeners after the run's own (skip guard, evaluation, metrics.csv,
     * snapshots, checkpoints, progress) and each iteration's parts run through {@code phases}.
     */
    public Outcome run(Module model, Module emaModel, TrainingTask task, boolean resume, long stopAfter,
            NDManager root, List<TrainingListener> extra, Phases phases) {
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
        MetricWindow window = new MetricWindow(dir, task, start, config);
        long end = stopAfter > 0 ? Math.min(stopAfter, config.steps()) : config.steps();
        Iteration iteration = new Iteration(task, optimizer, ema, adversary, adversaryState, phases);
        try (Progress progress = new Progress(kind, config.steps(), start, task.unit(), task.examplesPerStep())) {
            List<TrainingListener> listeners = new ArrayList<>(List.of(new SkipGuard(config.maxSkippedFraction()),
                    evaluation(task, inference, root), window, snapshots(inference),
                    checkpoints(model, ema, optimizer, adversaryState), progress));
            listeners.addAll(extra);
            for (long step = start + 1; step <= end; step++) {
                long t0 = System.nanoTime();
                StepOutcome done = iteration.run(step, root);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (done.update().skipped()) {
                    // standard output: standard error is kept for the one line that ends a failed run
                    System.out.printf("step %d: update skipped, gradient norm %s (%d skipped so far)%n", step,
                            done.update().gradNorm(), optimizer.skippedSteps());
                }
                TrainingListener.Step record = new TrainingListener.Step(step, done.metrics(), done.update().gradNorm(),
                        done.update().learningRate(), done.update().skipped(), optimizer.skippedSteps(), seconds,
                        step == end, new LinkedHashMap<>());
                listeners.forEach(l -> l.iterationEnded(record));
            }
            listeners.forEach(l -> l.trainingEnded(end, end == config.steps()));
        }
        boolean finished = end == config.steps();
        if (finished) {
            ModelFile.write(dir.model(), kind, modelConfig, inference, provenance);
        }
        return new Outcome(start + 1, end, optimizer.skippedSteps(), window.elapsedSeconds(), finished);
    }

    /** Whether step {@code step} is evaluated: every eval_every steps, and the run's last. */
    static boolean evaluates(TrainingConfig config, long step) {
        return (config.evalEvery() > 0 && step % config.evalEvery() == 0) || step == config.steps();
    }

    /** The task's evaluation of the inference weights, on the steps that have one, into the step's record. */
    private TrainingListener evaluation(TrainingTask task, Module inference, NDManager root) {
        return step -> {
            if (evaluates(config, step.step())) {
                try (StepScope s = StepScope.open(root)) {
                    step.evaluation().putAll(task.evaluate(step.step(), inference, s.manager()));
                }
            }
        };
    }

    /** The inference weights every snapshot_every steps. */
    private TrainingListener snapshots(Module inference) {
        return step -> {
            if (config.snapshotEvery() > 0 && step.step() % config.snapshotEvery() == 0) {
                ModelFile.write(dir.snapshot(step.step()), kind, modelConfig, inference, provenance);
            }
        };
    }

    /** The resumable state every checkpoint_every steps and at the invocation's last. */
    private TrainingListener checkpoints(Module model, Ema ema, AdamW optimizer,
            TrainingCheckpoint.AdversaryState adversaryState) {
        return step -> {
            if (step.step() % config.checkpointEvery() == 0 || step.last()) {
                TrainingCheckpoint.save(dir.lastCheckpoint(), kind, modelConfig, model,
                        ema == null ? null : ema.average(), optimizer, adversaryState,
                        new TrainingState(step.step(), seed, optimizer.updates(), optimizer.skippedSteps(),
                                adversaryState == null ? 0L : adversaryState.optimizer().updates(),
                                adversaryState == null ? 0L : adversaryState.optimizer().skippedSteps()),
                        provenance);
            }
        };
    }

    /**
     * The last {@value TrainingConfig#SKIP_WINDOW} steps' skips: a run whose updates are mostly skipped
     * would otherwise export weights that barely trained, with exit status 0. It stops before its next
     * checkpoint (it runs before the checkpoint listener), so the last one stays the last good state.
     */
    private static final class SkipGuard implements TrainingListener {
        private final boolean[] skipped = new boolean[TrainingConfig.SKIP_WINDOW];
        private final double maxFraction;
        private int count;

        SkipGuard(double maxFraction) {
            this.maxFraction = maxFraction;
        }

        @Override
        public void iterationEnded(Step step) {
            int slot = (int) (step.step() % skipped.length);
            count += (step.skipped() ? 1 : 0) - (skipped[slot] ? 1 : 0);
            skipped[slot] = step.skipped();
            if (count > maxFraction * skipped.length) {
                throw new RunFailure(count + " of the last " + skipped.length + " steps (to step " + step.step()
                        + ") were skipped for a non-finite loss or gradient; lower training.lr or training.clip_norm, "
                        + "or raise training.max_skipped_fraction (now " + maxFraction + ")");
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

    /** bench iteration's names for the loop's own parts of an iteration. */
    public static final String LOSS = "the task's loss";
    public static final String BACKWARD = "backward (the model's loss)";
    public static final String OPTIMIZER = "optimizer step";
    public static final String EMA = "EMA update";
    public static final String METRICS = "metrics to numbers";

    /**
     * One iteration: the task's loss in a StepScope and a GradientCollector, AdamW (a non-finite step is
     * skipped and counted), the EMA, then the adversary's own update; each part a phase.
     */
    private record Iteration(TrainingTask task, AdamW optimizer, Ema ema, Adversary adversary,
            TrainingCheckpoint.AdversaryState adversaryState, Phases phases) {
        StepOutcome run(long step, NDManager root) {
            try (StepScope s = StepScope.open(root)) {
                TrainingTask.StepLoss loss;
                Map<String, Double> values = new LinkedHashMap<>();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    loss = phases.run(LOSS, () -> task.loss(step, s.manager(), phases));
                    phases.run(BACKWARD, () -> {
                        if (loss.terms().isEmpty()) {
                            gc.backward(loss.loss());
                            return;
                        }
                        // term by term: the same accumulated gradient, and what each term added to it
                        loss.terms().forEach((name, term) -> {
                            List<NDArray> before = optimizer.gradientCopies();
                            gc.backward(term);
                            values.put("grad_norm_" + name, optimizer.gradientNormSince(before));
                        });
                    });
                }
                AdamW.StepResult result = phases.run(OPTIMIZER, optimizer::step);
                if (ema != null && !result.skipped()) {
                    phases.run(EMA, () -> ema.update(optimizer.updates()));
                }
                Map<String, NDArray> tensors = new LinkedHashMap<>(loss.metrics());
                values.putAll(loss.values());
                if (adversary != null) {
                    TrainingTask.StepLoss adversaryLoss = phases.run(adversary.updateName(), () -> {
                        // The model's backward also reached the adversary's parameters; its own update starts clean.
                        adversaryState.optimizer().clearGradients();
                        TrainingTask.StepLoss own;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            own = adversary.loss(step, s.manager());
                            gc.backward(own.loss());
                        }
                        adversaryState.optimizer().step();
                        return own;
                    });
                    tensors.putAll(adversaryLoss.metrics());
                    values.putAll(adversaryLoss.values());
                }
                Map<String, Double> metrics = phases.run(METRICS, () -> {
                    Map<String, Double> all = new LinkedHashMap<>();
                    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                        all.put(e.getKey(), e.getValue().toType(DataType.FLOAT64, false).getDouble());
                    }
                    all.putAll(values);
                    return all;
                });
                return new StepOutcome(metrics, result);
            }
        }
    }
}
