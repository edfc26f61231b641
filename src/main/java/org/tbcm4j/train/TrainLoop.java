package org.tbcm4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.StepScope;

/**
 * The training loop shared by every model: one StepScope and GradientCollector per step, AdamW (a
 * non-finite step is skipped and counted), an optional EMA, averaged metrics in metrics.csv, periodic
 * evaluation, resumable checkpoints, and the final weights exported to model.safetensors.
 */
public final class TrainLoop {
    private final RunDirectory dir;
    private final String kind;
    private final Object modelConfig;
    private final TrainingConfig config;
    private final long seed;

    /** What a run did. */
    public record Outcome(long firstStep, long lastStep, long skippedSteps, double seconds, boolean finished) {}

    public TrainLoop(RunDirectory dir, String kind, Object modelConfig, TrainingConfig config, long seed) {
        this.dir = dir;
        this.kind = kind;
        this.modelConfig = modelConfig;
        this.config = config;
        this.seed = seed;
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
        Ema ema = config.emaDecay() > 0 ? new Ema(model, emaModel, config.emaDecay()) : null;
        long start = 0;
        if (resume) {
            TrainingState state = TrainingCheckpoint.restore(dir.lastCheckpoint(), kind, model,
                    ema == null ? null : ema.average(), optimizer, root);
            if (state.seed() != seed) {
                throw new IllegalArgumentException(dir.lastCheckpoint() + " was trained with seed " + state.seed()
                        + ", not " + seed);
            }
            start = state.step();
        }
        List<String> columns = new ArrayList<>(List.of("step"));
        columns.addAll(task.metricNames());
        String throughputColumn = task.unit() + "_per_s";
        columns.addAll(List.of("grad_norm", "lr", "skipped_steps", throughputColumn, "elapsed_s"));
        columns.addAll(task.evaluationNames());
        MetricsCsv csv = new MetricsCsv(dir.metrics(), columns);
        csv.open(start);
        long end = stopAfter > 0 ? Math.min(stopAfter, config.steps()) : config.steps();
        Map<String, Double> sums = new LinkedHashMap<>();
        int window = 0;
        double windowSeconds = 0;
        long began = System.nanoTime();
        double lastLoss = Double.NaN;
        try (Progress progress = new Progress(kind, config.steps(), start)) {
            for (long step = start + 1; step <= end; step++) {
                long t0 = System.nanoTime();
                AdamW.StepResult result;
                try (StepScope s = StepScope.open(root)) {
                    TrainingTask.StepLoss loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        loss = task.loss(step, s.manager());
                        gc.backward(loss.loss());
                    }
                    result = optimizer.step();
                    if (ema != null && !result.skipped()) {
                        ema.update(optimizer.updates());
                    }
                    for (Map.Entry<String, ai.djl.ndarray.NDArray> e : loss.metrics().entrySet()) {
                        double v = e.getValue().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                        sums.merge(e.getKey(), v, Double::sum);
                        if (e.getKey().equals("loss")) {
                            lastLoss = v;
                        }
                    }
                }
                sums.merge("grad_norm", result.gradNorm(), Double::sum);
                sums.put("lr", result.learningRate());
                window++;
                windowSeconds += (System.nanoTime() - t0) / 1e9;
                double throughput = config.batchSize() / ((System.nanoTime() - t0) / 1e9);
                boolean last = step == end;
                boolean log = step % config.logEvery() == 0 || last;
                boolean evaluate = (config.evalEvery() > 0 && step % config.evalEvery() == 0) || step == config.steps();
                if (log || evaluate) {
                    Map<String, Double> row = new LinkedHashMap<>();
                    row.put("step", (double) step);
                    for (Map.Entry<String, Double> e : sums.entrySet()) {
                        row.put(e.getKey(), e.getKey().equals("lr") ? e.getValue() : e.getValue() / window);
                    }
                    row.put("skipped_steps", (double) optimizer.skippedSteps());
                    row.put(throughputColumn, config.batchSize() * window / windowSeconds);
                    row.put("elapsed_s", (System.nanoTime() - began) / 1e9);
                    if (evaluate) {
                        try (StepScope s = StepScope.open(root)) {
                            row.putAll(task.evaluate(step, ema == null ? model : ema.average(), s.manager()));
                        }
                    }
                    csv.append(row);
                    sums.clear();
                    window = 0;
                    windowSeconds = 0;
                }
                if (config.snapshotEvery() > 0 && step % config.snapshotEvery() == 0) {
                    ModelFile.write(dir.snapshot(step), kind, modelConfig, ema == null ? model : ema.average());
                }
                if (step % config.checkpointEvery() == 0 || last) {
                    TrainingCheckpoint.save(dir.lastCheckpoint(), kind, modelConfig, model,
                            ema == null ? null : ema.average(), optimizer,
                            new TrainingState(step, seed, optimizer.updates(), optimizer.skippedSteps()));
                }
                progress.step(String.format(Locale.ROOT, "loss %.4g | %.0f %s/s", lastLoss, throughput, task.unit()));
            }
        }
        boolean finished = end == config.steps();
        if (finished) {
            ModelFile.write(dir.model(), kind, modelConfig, ema == null ? model : ema.average());
        }
        return new Outcome(start + 1, end, optimizer.skippedSteps(), (System.nanoTime() - began) / 1e9, finished);
    }
}
