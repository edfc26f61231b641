package org.tbcm4j.experiment;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.eval.ClassAccuracy;
import org.tbcm4j.eval.FeatureRows;
import org.tbcm4j.eval.FrechetDistance;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;

/**
 * How much FD moves with the evaluation noise alone: one fixed generator scored on several noise seeds
 * at several sample counts. Sample i's noise depends only on (seed, i), so the first n samples of a
 * seed's largest set are exactly that seed's n-sample set: each seed is generated once.
 */
public final class EvaluationNoise {
    /** FD and class accuracy of one (sample count, noise seed). */
    public record Row(int samples, long seed, double fd, double classAccuracy) {}

    private EvaluationNoise() {}

    public static List<Row> measure(LatentGenerator generator, Autoencoder ae, Scorer scorer, int[] sampleCounts,
            List<Long> seeds, NDManager root) {
        int largest = Arrays.stream(sampleCounts).max().orElseThrow();
        double[][] ref = FeatureRows.toDouble(scorer.reference());
        List<Row> rows = new ArrayList<>();
        for (long seed : seeds) {
            GeneratedSet set = scorer.generate(generator, ae, largest, seed, root);
            double[][] features = FeatureRows.toDouble(set.features());
            int[] predicted = ClassAccuracy.predictedClasses(set.logits());
            for (int n : sampleCounts) {
                double fd = FrechetDistance.between(Arrays.copyOf(features, n), ref);
                double accuracy = ClassAccuracy.of(Arrays.copyOf(predicted, n), Arrays.copyOf(set.classes(), n));
                rows.add(new Row(n, seed, fd, accuracy));
                System.out.printf(Locale.ROOT, "%d samples, noise seed %d: FD %.4f, class accuracy %.4f%n", n, seed,
                        fd, accuracy);
            }
        }
        return rows;
    }

    /** Per sample count: FD's mean, sd, interval, min and max over the noise seeds, as a markdown table. */
    public static String markdown(List<Row> rows, int[] sampleCounts) {
        StringBuilder b = new StringBuilder("| samples | noise seeds | FD mean | FD sd | FD min | FD max | "
                + "FD sd / mean | class accuracy mean | class accuracy sd |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int n : sampleCounts) {
            Statistics fd = Statistics.of(rows.stream().filter(r -> r.samples() == n).map(Row::fd).toList());
            Statistics acc = Statistics.of(rows.stream().filter(r -> r.samples() == n).map(Row::classAccuracy)
                    .toList());
            double min = rows.stream().filter(r -> r.samples() == n).mapToDouble(Row::fd).min().orElseThrow();
            double max = rows.stream().filter(r -> r.samples() == n).mapToDouble(Row::fd).max().orElseThrow();
            b.append(String.format(Locale.ROOT, "| %d | %d | %.4f | %.4f | %.4f | %.4f | %.1f %% | %.4f | %.4f |%n", n,
                    fd.n(), fd.mean(), fd.sd(), min, max, 100 * fd.sd() / fd.mean(), acc.mean(), acc.sd()));
        }
        return b.toString();
    }

    /** The rows as JSON-ready maps. */
    public static List<Map<String, Object>> json(List<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("samples", r.samples());
            o.put("noise_seed", r.seed());
            o.put("fd", r.fd());
            o.put("class_accuracy", r.classAccuracy());
            out.add(o);
        }
        return out;
    }
}
