package org.tbcm4j.distill;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.report.MetricsTable;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Json;

/**
 * What a finished distillation run cost, read from its metrics.csv and summary.json: the one costing that
 * bench distill and the experiment runner both report, under the same keys.
 *
 * @param iterations iterations trained (the last metrics row's step)
 * @param trainSeconds the training loop's time over all invocations (the last row's elapsed_s)
 * @param wallSeconds the run's wall time with setup, over all invocations
 * @param peakRssMib the largest peak resident memory of its invocations
 * @param teacherEvaluations teacher network evaluations (both CFG halves), from the per-pair means
 * @param discriminatorPasses LADD's discriminator passes over the teacher blocks (0 without LADD)
 * @param meanLoad1m the machine's mean 1-minute load over the rows: about {@code cores} when the run was alone
 */
public record RunCost(long iterations, int pairsPerIteration, double trainSeconds, double wallSeconds,
        double peakRssMib, long teacherEvaluations, long discriminatorPasses, int cores, double meanLoad1m) {

    public static RunCost of(RunDirectory dir, int pairsPerIteration) {
        MetricsTable metrics = MetricsTable.read(dir.metrics());
        List<double[]> elapsed = metrics.column("elapsed_s");
        double[] last = elapsed.get(elapsed.size() - 1);
        long iterations = Math.round(last[0]);
        JsonNode summary;
        try {
            summary = Json.JSON.readTree(dir.file("summary.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(dir.file("summary.json") + ": " + e.getMessage(), e);
        }
        return new RunCost(iterations, pairsPerIteration, last[1], summary.path("seconds").asDouble(Double.NaN),
                summary.path("peak_resident_bytes").asDouble(Double.NaN) / 1048576.0,
                Math.round(mean(metrics, "teacher_evaluations_per_pair") * pairsPerIteration * iterations),
                Math.round(mean(metrics, "discriminator_passes_per_pair", 0) * pairsPerIteration * iterations),
                Runtime.getRuntime().availableProcessors(), mean(metrics, "load_1m"));
    }

    public double pairsPerSecond() {
        return iterations * pairsPerIteration / trainSeconds;
    }

    public double msPerIteration() {
        return 1000 * trainSeconds / iterations;
    }

    /** The keys of a result file's {@code training} section. */
    public Map<String, Object> json() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("iterations", iterations);
        t.put("pairs_per_iteration", pairsPerIteration);
        t.put("train_seconds", trainSeconds);
        t.put("wall_seconds", wallSeconds);
        t.put("pairs_per_second", pairsPerSecond());
        t.put("ms_per_iteration", msPerIteration());
        t.put("peak_rss_mib", peakRssMib);
        t.put("teacher_evaluations", teacherEvaluations);
        t.put("discriminator_passes", discriminatorPasses);
        // whether the run had the machine to itself: about `cores` when alone, more beside other work
        t.put("cores", cores);
        t.put("mean_load_1m", meanLoad1m);
        return t;
    }

    private static double mean(MetricsTable metrics, String column) {
        return mean(metrics, column, Double.NaN);
    }

    /** The column's mean over its finite values; {@code absent} where the run has no such column. */
    private static double mean(MetricsTable metrics, String column, double absent) {
        List<double[]> points = metrics.column(column);
        return points.isEmpty() ? absent
                : points.stream().mapToDouble(p -> p[1]).filter(Double::isFinite).average().orElse(Double.NaN);
    }
}
