package org.tbcm4j.eval;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.report.HtmlReport;
import org.tbcm4j.report.ImageGrid;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.Json;

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

    /**
     * The comparison page, the one the demo and {@code tbcm report} write: {@code metrics.json} (each
     * generator's eval --json object, then {@code extra}) and {@code file} (the intro, the metrics table, the
     * grids, with {@code rowsNote} under their heading when given, then {@code sections}: heading → figures).
     */
    public static void writePage(Outcome outcome, Path out, String file, String title, String intro, String rowsNote,
            Map<String, Object> extra, Map<String, List<String[]>> sections) {
        Map<String, Object> metrics = new java.util.LinkedHashMap<>();
        metrics.put("generators", outcome.generators());
        metrics.putAll(extra);
        try {
            AtomicFiles.write(out.resolve("metrics.json"), Json.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(metrics).getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HtmlReport html = new HtmlReport(title).paragraph(intro)
                .heading("Metrics").table(outcome.table())
                .heading("Samples (one row per class, same noise in every grid)");
        if (rowsNote != null) {
            html.paragraph(rowsNote);
        }
        html.figures(outcome.grids());
        sections.forEach((heading, figures) -> html.heading(heading).figures(figures));
        AtomicFiles.write(out.resolve(file), html.render().getBytes(StandardCharsets.UTF_8));
    }
}
