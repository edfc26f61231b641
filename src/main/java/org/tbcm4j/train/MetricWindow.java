package org.tbcm4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.util.MachineLoad;

/**
 * The rows of metrics.csv: per-step metrics averaged over the steps since the last row (the learning
 * rate is the latest, not an average), the run's skipped steps, throughput over the window in the
 * task's unit, elapsed time, the machine's 1-minute load average (whether the run had the machine to itself)
 * and the evaluation's figures on the steps that have them. A resumed run's
 * elapsed time goes on from the last row it keeps, so that the last row's elapsed_s is the training time of
 * the whole run over all its invocations (the steps redone after an interruption count once, as the
 * checkpointed work they replace was counted up to its row).
 */
final class MetricWindow implements TrainingListener {
    private final MetricsCsv csv;
    private final TrainingConfig config;
    private final String throughputColumn;
    private final int examplesPerStep;
    private final long began = System.nanoTime();
    private final double earlierSeconds;
    private final Map<String, Double> sums = new LinkedHashMap<>();
    /** Steps that gave each metric: a term that starts mid-window (DMD's) is averaged over its own steps. */
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int steps;
    private double seconds;

    /** Rows every log_every steps, on evaluated steps and at an invocation's last step. */
    MetricWindow(RunDirectory dir, TrainingTask task, long resumedStep, TrainingConfig config) {
        this.config = config;
        this.throughputColumn = task.unit() + "_per_s";
        this.examplesPerStep = task.examplesPerStep();
        List<String> columns = new ArrayList<>(List.of("step"));
        columns.addAll(task.metricNames());
        columns.addAll(List.of("grad_norm", "lr", "skipped_steps", throughputColumn, "elapsed_s", "load_1m"));
        columns.addAll(task.evaluationNames());
        this.csv = new MetricsCsv(dir.metrics(), columns);
        this.earlierSeconds = csv.open(resumedStep).getOrDefault("elapsed_s", 0.0);
    }

    @Override
    public void iterationEnded(Step step) {
        add(step.metrics(), step.gradNorm(), step.learningRate(), step.seconds());
        if (step.step() % config.logEvery() == 0 || step.last() || TrainLoop.evaluates(config, step.step())) {
            write(step.step(), step.skippedSteps(), step.evaluation());
        }
    }

    /** Adds one step's metrics, its optimiser figures and its duration. */
    void add(Map<String, Double> metrics, double gradNorm, double learningRate, double stepSeconds) {
        metrics.forEach((k, v) -> {
            sums.merge(k, v, Double::sum);
            counts.merge(k, 1, Integer::sum);
        });
        sums.merge("grad_norm", gradNorm, Double::sum);
        sums.put("lr", learningRate);
        steps++;
        seconds += stepSeconds;
    }

    /** Writes the window's row for {@code step} (with evaluation figures, possibly none) and starts a new one. */
    void write(long step, long skippedSteps, Map<String, Double> evaluation) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("step", (double) step);
        sums.forEach((k, v) -> row.put(k, k.equals("lr") ? v : v / counts.getOrDefault(k, steps)));
        row.put("skipped_steps", (double) skippedSteps);
        row.put(throughputColumn, (double) examplesPerStep * steps / seconds);
        row.put("elapsed_s", elapsedSeconds());
        row.put("load_1m", MachineLoad.oneMinute());
        row.putAll(evaluation);
        csv.append(row);
        sums.clear();
        counts.clear();
        steps = 0;
        seconds = 0;
    }

    double elapsedSeconds() {
        return earlierSeconds + (System.nanoTime() - began) / 1e9;
    }
}
