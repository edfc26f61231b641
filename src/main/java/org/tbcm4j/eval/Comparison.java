package org.tbcm4j.eval;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.report.HtmlReport;
import org.tbcm4j.report.ImageGrid;

/**
 * Generators side by side on the same noise: each one's metrics, a table row and a grid of samples (a row
 * per class). What the demo's and {@code tbcm report}'s pages show.
 */
public final class Comparison {
    /** One generator of the comparison, with the settings eval --json reports. */
    public record Entry(String name, LatentGenerator generator, int steps, double cfg) {}

    /**
     * @param generators one eval --json object per entry, with its name
     * @param table the metrics table, header first
     * @param grids the grid files written, with captions
     */
    public record Outcome(List<Map<String, Object>> generators, List<List<String>> table, List<String[]> grids) {}

    private Comparison() {}

    /** Generates {@code samples} samples of each entry from noise {@code seed}, scores them and writes grids into {@code out}. */
    public static Outcome run(List<Entry> entries, Autoencoder ae, Scorer scorer, int samples, long seed, Path out,
            NDManager root) {
        List<Map<String, Object>> generators = new ArrayList<>();
        List<List<String>> table = new ArrayList<>(List.of(HtmlReport.row("generator", "network evaluations", "FD",
                "KID", "precision", "recall", "class accuracy", "samples/s")));
        List<String[]> grids = new ArrayList<>();
        int classes = scorer.classifier().config().numClasses();
        for (Entry e : entries) {
            LatentGenerator g = e.generator();
            GeneratedSet set = scorer.generate(g, ae, samples, seed, root);
            Metrics m = scorer.score(set, seed);
            Map<String, Object> json = m.toJson(g, set.seconds(), e.steps(), e.cfg());
            json.put("name", e.name());
            generators.add(json);
            table.add(HtmlReport.row(g.describe(), String.valueOf(g.evaluationsPerSample()), HtmlReport.number(m.fd(), 3),
                    HtmlReport.number(m.kid(), 4), HtmlReport.number(m.precision(), 3), HtmlReport.number(m.recall(), 3),
                    HtmlReport.number(m.classAccuracy(), 3), HtmlReport.number(samples / set.seconds(), 1)));
            String png = e.name() + ".png";
            ImageGrid.write(set.grid(classes, Math.min(8, Math.max(1, samples / classes)), 2), out.resolve(png));
            grids.add(new String[] {png, g.describe()});
            System.out.printf(Locale.ROOT, "%-45s FD %.3f  KID %.4f  precision %.3f  recall %.3f  class accuracy %.3f%n",
                    g.describe(), m.fd(), m.kid(), m.precision(), m.recall(), m.classAccuracy());
        }
        return new Outcome(generators, table, grids);
    }
}
