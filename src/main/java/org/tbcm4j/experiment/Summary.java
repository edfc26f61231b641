package org.tbcm4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tbcm4j.distill.AdversaryBalance;
import org.tbcm4j.report.ErrorBarChart;
import org.tbcm4j.report.HtmlReport;
import org.tbcm4j.report.Table;
import org.tbcm4j.report.LineChart;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Json;

/**
 * An experiment's results, summarised: results.csv (one row per run and generator), summary.json and
 * summary.md (per arm and generator the mean, standard deviation and 95 % interval over seeds, and the
 * paired difference from the reference arm over shared seeds), charts and index.html.
 */
public final class Summary {
    /** Quality metrics of a generator, and how many decimals they are shown with. */
    static final Map<String, Integer> QUALITY = linked("fd", 3, "kid", 4, "precision", 3, "recall", 3,
            "class_accuracy", 3);
    /** Cost metrics of a run. */
    static final Map<String, Integer> COST = linked("train_seconds", 0, "pairs_per_second", 1, "peak_rss_mib", 0,
            "teacher_evaluations", 0);
    /** LADD's adversary of a run (keys of a result file's training section), and their decimals. */
    static final Map<String, Integer> ADVERSARY = linked(AdversaryBalance.GRADIENT_RATIO, 3,
            AdversaryBalance.REAL_LOGIT, 3, AdversaryBalance.FAKE_LOGIT, 3, AdversaryBalance.LOGIT_GAP, 3);

    /** One scored generator of one run (final weights, or a snapshot's). */
    record Row(String arm, long seed, String generator, long iteration, boolean last, int steps, double guidance,
            Map<String, Double> values) {}

    private final Plan plan;
    private final String command;
    private final List<Row> rows = new ArrayList<>();
    /** Per arm, per seed: the run's cost, by the keys of {@link #COST}. */
    private final Map<String, Map<Long, Map<String, Double>>> costs = new LinkedHashMap<>();
    private final List<Row> teacher = new ArrayList<>();
    /** Per arm, per seed, per route index: {t, trajectory error, diffusion error} (runs scored with a gap). */
    private final Map<String, Map<Long, Map<Integer, double[]>>> gap = new LinkedHashMap<>();
    /** Per arm, per seed: how hard LADD's adversary pulled, by the keys of {@link #ADVERSARY} (runs with one). */
    private final Map<String, Map<Long, Map<String, Double>>> adversary = new LinkedHashMap<>();
    /** Per arm, per seed: the final student's guidance response (runs scored with one). */
    private final Map<String, Map<Long, Double>> response = new LinkedHashMap<>();

    Summary(Plan plan, Layout layout, String command) {
        this.plan = plan;
        this.command = command;
        for (Plan.Arm arm : plan.arms()) {
            for (long seed : plan.seeds(arm)) {
                Path file = layout.result(arm.name(), seed);
                if (Files.exists(file)) {
                    add(arm.name(), seed, RunExecution.read(file));
                }
            }
        }
        if (Files.exists(layout.teacherResult())) {
            for (JsonNode r : RunExecution.read(layout.teacherResult()).path("rows")) {
                teacher.add(new Row("teacher", -1, r.path("generator").asText(), 0, true, r.path("steps").asInt(),
                        r.path("guidance").asDouble(), values(r, QUALITY)));
            }
        }
    }

    /** Writes every summary file of the plan's results found under {@code layout}; {@code command} made them. */
    public static void write(Plan plan, Layout layout, String command) {
        Summary s = new Summary(plan, layout, command);
        RunDirectory.writeAtomically(layout.file("results.csv"), s.csv());
        RunDirectory.writeAtomically(layout.file("summary.json"), Json.write(s.json()));
        RunDirectory.writeAtomically(layout.file("summary.md"), s.markdown());
        RunDirectory.writeAtomically(layout.file("index.html"), s.html(layout));
    }

    private void add(String arm, long seed, JsonNode result) {
        JsonNode training = result.path("training");
        long iterations = training.path("iterations").asLong();
        costs.computeIfAbsent(arm, a -> new TreeMap<>()).put(seed, values(training, COST));
        if (training.has(AdversaryBalance.GRADIENT_RATIO)) {
            adversary.computeIfAbsent(arm, a -> new TreeMap<>()).put(seed, values(training, ADVERSARY));
        }
        if (result.has("guidance_response")) {
            response.computeIfAbsent(arm, a -> new TreeMap<>()).put(seed,
                    result.path("guidance_response").path("fraction").asDouble(Double.NaN));
        }
        for (JsonNode g : result.path("gap")) {
            gap.computeIfAbsent(arm, a -> new LinkedHashMap<>()).computeIfAbsent(seed, x -> new TreeMap<>())
                    .put(g.path("index").asInt(), new double[] {g.path("t").asDouble(),
                        g.path("trajectory_error").asDouble(), g.path("diffusion_error").asDouble()});
        }
        for (JsonNode r : result.path("rows")) {
            long iteration = r.path("iteration").asLong();
            rows.add(new Row(arm, seed, r.path("generator").asText(), iteration, iteration == iterations,
                    r.path("steps").asInt(), r.path("guidance").asDouble(), values(r, QUALITY)));
        }
    }

    private static Map<String, Double> values(JsonNode node, Map<String, Integer> keys) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (String k : keys.keySet()) {
            v.put(k, node.path(k).asDouble(Double.NaN));
        }
        return v;
    }

    /** The generators scored, in plan order. */
    List<String> generators() {
        Set<String> g = new LinkedHashSet<>();
        rows.stream().filter(Row::last).forEach(r -> g.add(r.generator()));
        return new ArrayList<>(g);
    }

    /** Per seed, the final value of {@code metric} for (arm, generator). */
    Map<Long, Double> finalValues(String arm, String generator, String metric) {
        Map<Long, Double> bySeed = new TreeMap<>();
        rows.stream().filter(r -> r.last() && r.arm().equals(arm) && r.generator().equals(generator))
                .forEach(r -> bySeed.put(r.seed(), r.values().get(metric)));
        return bySeed;
    }

    Map<Long, Double> costValues(String arm, String metric) {
        return bySeed(costs, arm, metric);
    }

    /** Per seed, one value of {@code key} for an arm, from per-arm, per-seed records. */
    private static Map<Long, Double> bySeed(Map<String, Map<Long, Map<String, Double>>> records, String arm,
            String key) {
        Map<Long, Double> bySeed = new TreeMap<>();
        records.getOrDefault(arm, Map.of()).forEach((seed, values) -> bySeed.put(seed, values.get(key)));
        return bySeed;
    }

    /** Statistics over seeds, or null without values. */
    static Statistics stats(Map<Long, Double> bySeed) {
        return bySeed.isEmpty() ? null : Statistics.of(new ArrayList<>(bySeed.values()));
    }

    /** The paired difference arm − reference over the seeds both have, or null without shared seeds. */
    static Statistics difference(Map<Long, Double> arm, Map<Long, Double> reference) {
        List<List<Double>> p = shared(arm, reference, false);
        return p.get(0).isEmpty() ? null : Statistics.paired(p.get(0), p.get(1));
    }

    /**
     * The per-seed ratio arm / reference over the seeds both have with positive values (a run without teacher
     * evaluations has no ratio), or null without such seeds.
     */
    static Statistics.Ratio ratio(Map<Long, Double> arm, Map<Long, Double> reference) {
        List<List<Double>> p = shared(arm, reference, true);
        return p.get(0).isEmpty() ? null : Statistics.pairedRatio(p.get(0), p.get(1));
    }

    /** The values of the seeds both maps have, as [arm's, reference's], in the same seed order. */
    private static List<List<Double>> shared(Map<Long, Double> arm, Map<Long, Double> reference, boolean positiveOnly) {
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (Map.Entry<Long, Double> e : arm.entrySet()) {
            Double r = reference.get(e.getKey());
            if (r != null && (!positiveOnly || (e.getValue() > 0 && r > 0))) {
                a.add(e.getValue());
                b.add(r);
            }
        }
        return List.of(a, b);
    }

    static String ratioCell(Statistics.Ratio r) {
        if (r == null) {
            return "–";
        }
        if (r.n() < 2) {
            return String.format(Locale.ROOT, "%.3f (one seed)", r.geometricMean());
        }
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]%s", r.geometricMean(), r.low(), r.high(),
                r.excludesOne() ? "" : " no significant difference");
    }

    private List<String> armNames() {
        return plan.arms().stream().map(Plan.Arm::name).toList();
    }

    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plan", plan.name());
        out.put("command", command);
        out.put("reference", plan.reference());
        out.put("seeds", plan.seeds());
        if (!plan.uniformSeeds()) {
            Map<String, Object> perArm = new LinkedHashMap<>();
            plan.arms().forEach(a -> perArm.put(a.name(), plan.seeds(a)));
            out.put("arm_seeds", perArm);
        }
        out.put("evaluation", plan.evaluationJson());
        List<Map<String, Object>> arms = new ArrayList<>();
        for (String arm : armNames()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("arm", arm);
            a.put("runs", costValues(arm, "train_seconds").size());
            Map<String, Object> cost = new LinkedHashMap<>();
            for (String metric : COST.keySet()) {
                cost.put(metric, statsJson(stats(costValues(arm, metric))));
            }
            a.put("cost", cost);
            List<Map<String, Object>> gens = new ArrayList<>();
            for (String g : generators()) {
                Map<String, Object> gen = new LinkedHashMap<>();
                gen.put("generator", g);
                for (String metric : QUALITY.keySet()) {
                    gen.put(metric, statsJson(stats(finalValues(arm, g, metric))));
                }
                gens.add(gen);
            }
            a.put("generators", gens);
            if (response.containsKey(arm)) {
                a.put("guidance_response", statsJson(stats(response.get(arm))));
            }
            if (adversary.containsKey(arm)) {
                Map<String, Object> adv = new LinkedHashMap<>();
                for (String key : ADVERSARY.keySet()) {
                    Map<String, Object> o = statsJson(stats(adversaryValues(arm, key)));
                    o.put("per_seed", adversaryValues(arm, key));
                    adv.put(key, o);
                }
                a.put("adversary", adv);
            }
            if (gap.containsKey(arm)) {
                List<Map<String, Object>> g = new ArrayList<>();
                for (int i : gapIndices()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("index", i);
                    o.put("trajectory_error", statsJson(stats(gapValues(arm, i, 1))));
                    o.put("diffusion_error", statsJson(stats(gapValues(arm, i, 2))));
                    g.add(o);
                }
                a.put("gap", g);
            }
            arms.add(a);
        }
        out.put("arms", arms);
        List<Map<String, Object>> comparisons = new ArrayList<>();
        for (List<String> pair : plan.comparisons()) {
            String arm = pair.get(0);
            String against = pair.get(1);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("arm", arm);
            c.put("against", against);
            List<Map<String, Object>> gens = new ArrayList<>();
            for (String g : generators()) {
                Map<String, Object> gen = new LinkedHashMap<>();
                gen.put("generator", g);
                for (String metric : QUALITY.keySet()) {
                    gen.put(metric, differenceJson(difference(finalValues(arm, g, metric),
                            finalValues(against, g, metric))));
                }
                gens.add(gen);
            }
            c.put("generators", gens);
            Map<String, Object> cost = new LinkedHashMap<>();
            for (String metric : COST.keySet()) {
                Map<String, Object> d = differenceJson(difference(costValues(arm, metric), costValues(against, metric)));
                Statistics a = stats(costValues(arm, metric));
                Statistics b = stats(costValues(against, metric));
                if (a != null && b != null) {
                    d.put("ratio_of_means", a.mean() / b.mean());
                }
                Statistics.Ratio r = ratio(costValues(arm, metric), costValues(against, metric));
                if (r != null) {
                    Map<String, Object> pr = new LinkedHashMap<>();
                    pr.put("shared_seeds", r.n());
                    pr.put("geometric_mean", r.geometricMean());
                    pr.put("ci95", java.util.Arrays.asList(finite(r.low()), finite(r.high())));
                    pr.put("significant", r.excludesOne());
                    d.put("paired_ratio", pr);
                }
                cost.put(metric, d);
            }
            c.put("cost", cost);
            if (response.containsKey(arm) && response.containsKey(against)) {
                c.put("guidance_response", differenceJson(difference(response.get(arm), response.get(against))));
            }
            if (gap.containsKey(arm) && gap.containsKey(against)) {
                List<Map<String, Object>> g = new ArrayList<>();
                for (int i : gapIndices()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("index", i);
                    o.put("trajectory_error", differenceJson(difference(gapValues(arm, i, 1), gapValues(against, i, 1))));
                    o.put("diffusion_error", differenceJson(difference(gapValues(arm, i, 2), gapValues(against, i, 2))));
                    g.add(o);
                }
                c.put("gap", g);
            }
            comparisons.add(c);
        }
        out.put("comparisons", comparisons);
        List<Map<String, Object>> t = new ArrayList<>();
        for (Row r : teacher) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("generator", r.generator());
            row.putAll(r.values());
            t.add(row);
        }
        out.put("teacher", t);
        return out;
    }

    private static Map<String, Object> statsJson(Statistics s) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (s != null) {
            o.put("n", s.n());
            o.put("mean", s.mean());
            o.put("sd", finite(s.sd()));
            o.put("ci95", java.util.Arrays.asList(finite(s.low()), finite(s.high())));
        }
        return o;
    }

    /** A paired difference over shared seeds; significant when its 95 % interval excludes 0. */
    private static Map<String, Object> differenceJson(Statistics d) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (d != null) {
            o.put("shared_seeds", d.n());
            o.put("mean", d.mean());
            o.put("sd", finite(d.sd()));
            o.put("ci95", java.util.Arrays.asList(finite(d.low()), finite(d.high())));
            o.put("significant", d.excludesZero());
        }
        return o;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** results.csv: one row per run, generator and scored iteration (with the run's cost), then the teacher's. */
    String csv() {
        List<String> header = HtmlReport.row("arm", "seed", "generator", "iteration", "student_steps", "guidance");
        header.addAll(QUALITY.keySet());
        header.addAll(COST.keySet());
        Table.Builder t = Table.titled("results", header);
        for (Row r : rows) {
            Map<String, Double> cost = costs.get(r.arm()).get(r.seed());
            List<String> row = HtmlReport.row(r.arm(), String.valueOf(r.seed()), r.generator(),
                    String.valueOf(r.iteration()), String.valueOf(r.steps()), String.valueOf(r.guidance()));
            QUALITY.keySet().forEach(k -> row.add(csvNumber(r.values().get(k))));
            COST.keySet().forEach(k -> row.add(csvNumber(cost.get(k))));
            t.add(row);
        }
        for (Row r : teacher) {
            List<String> row = HtmlReport.row("teacher", "", r.generator(), "", "", String.valueOf(r.guidance()));
            QUALITY.keySet().forEach(k -> row.add(csvNumber(r.values().get(k))));
            COST.keySet().forEach(k -> row.add(""));
            t.add(row);
        }
        return t.build().csv();
    }

    private static String csvNumber(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    /** "1.239 ± 0.052 [1.174, 1.304]" (mean ± sd [95 % interval]); one run: the value alone. */
    static String cell(Statistics s, int decimals) {
        if (s == null) {
            return "–";
        }
        String f = "%." + decimals + "f";
        if (s.n() < 2) {
            return String.format(Locale.ROOT, f, s.mean());
        }
        return String.format(Locale.ROOT, f + " ± " + f + " [" + f + ", " + f + "]", s.mean(), s.sd(), s.low(),
                s.high());
    }

    /** "+0.286 [0.101, 0.471]" and a verdict; "no significant difference" when the interval covers 0. */
    static String differenceCell(Statistics d, int decimals) {
        if (d == null) {
            return "–";
        }
        String f = "%+." + decimals + "f";
        if (d.n() < 2) {
            return String.format(Locale.ROOT, f + " (one seed)", d.mean());
        }
        String g = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " [" + g + ", " + g + "]%s", d.mean(), d.low(), d.high(),
                d.excludesZero() ? "" : " no significant difference");
    }

    /** The summary as tables: header row first. Shared by summary.md and index.html. */
    /** Every table of the summary, in page order. */
    List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        for (String g : generators()) {
            List<String> header = HtmlReport.row("arm", "seeds");
            QUALITY.keySet().forEach(header::add);
            Table.Builder t = Table.titled(g + ": mean ± sd [95 % interval] over seeds", header);
            for (String arm : armNames()) {
                List<String> row = HtmlReport.row(arm + (arm.equals(plan.reference()) ? " (reference)" : ""),
                        String.valueOf(finalValues(arm, g, "fd").size()));
                QUALITY.forEach((k, d) -> row.add(cell(stats(finalValues(arm, g, k)), d)));
                t.add(row);
            }
            tables.add(t.build());
            if (plan.comparisons().isEmpty()) {
                continue; // a plan of one arm compares nothing
            }
            List<String> dh = HtmlReport.row("comparison", "shared seeds");
            QUALITY.keySet().forEach(k -> dh.add("Δ " + k));
            Table.Builder diff = Table.titled(g + ": paired differences over shared seeds, mean [95 % interval]", dh);
            for (List<String> pair : plan.comparisons()) {
                String arm = pair.get(0);
                String against = pair.get(1);
                Statistics any = difference(finalValues(arm, g, "fd"), finalValues(against, g, "fd"));
                List<String> row = HtmlReport.row(arm + " − " + against, any == null ? "0" : String.valueOf(any.n()));
                QUALITY.forEach((k, d) -> row.add(differenceCell(difference(finalValues(arm, g, k),
                        finalValues(against, g, k)), d)));
                diff.add(row);
            }
            tables.add(diff.build());
        }
        List<String> ch = HtmlReport.row("arm", "runs");
        COST.keySet().forEach(k -> {
            ch.add(k);
            ch.add(k + " ratio");
        });
        Table.Builder cost = Table.titled("Cost per run: mean ± sd [95 % interval] over seeds; ratio of means to "
                + plan.reference(), ch);
        for (String arm : armNames()) {
            List<String> row = HtmlReport.row(arm, String.valueOf(costValues(arm, "train_seconds").size()));
            COST.forEach((k, d) -> {
                Statistics s = stats(costValues(arm, k));
                Statistics ref = stats(costValues(plan.reference(), k));
                row.add(cell(s, d));
                row.add(s == null || ref == null ? "–" : String.format(Locale.ROOT, "%.3f", s.mean() / ref.mean()));
            });
            cost.add(row);
        }
        tables.add(cost.build());
        if (!plan.comparisons().isEmpty()) {
            Table.Builder costDiff = Table.titled("Cost compared: ratio of means; the paired difference of training "
                    + "seconds and the per-seed time and memory ratios (geometric mean) [95 % interval]",
                    HtmlReport.row("comparison", "time ratio", "pairs/s ratio", "peak memory ratio",
                            "teacher evaluations ratio", "Δ train_seconds", "time ratio per seed",
                            "peak memory ratio per seed"));
            for (List<String> pair : plan.comparisons()) {
                List<String> row = HtmlReport.row(pair.get(0) + " − " + pair.get(1));
                for (String k : COST.keySet()) {
                    Statistics a = stats(costValues(pair.get(0), k));
                    Statistics b = stats(costValues(pair.get(1), k));
                    row.add(a == null || b == null ? "–" : String.format(Locale.ROOT, "%.3f", a.mean() / b.mean()));
                }
                row.add(differenceCell(difference(costValues(pair.get(0), "train_seconds"),
                        costValues(pair.get(1), "train_seconds")), 1));
                row.add(ratioCell(ratio(costValues(pair.get(0), "train_seconds"), costValues(pair.get(1), "train_seconds"))));
                row.add(ratioCell(ratio(costValues(pair.get(0), "peak_rss_mib"), costValues(pair.get(1), "peak_rss_mib"))));
                costDiff.add(row);
            }
            tables.add(costDiff.build());
        }
        if (!teacher.isEmpty()) {
            List<String> th = HtmlReport.row("generator");
            QUALITY.keySet().forEach(th::add);
            Table.Builder t = Table.titled("The teacher, on the same evaluation noise", th);
            for (Row r : teacher) {
                List<String> row = HtmlReport.row(r.generator());
                QUALITY.forEach((k, d) -> row.add(String.format(Locale.ROOT, "%." + d + "f", r.values().get(k))));
                t.add(row);
            }
            tables.add(t.build());
        }
        if (!response.isEmpty()) {
            tables.add(responseTable());
        }
        if (!adversary.isEmpty()) {
            tables.add(adversaryTable());
        }
        if (!gap.isEmpty()) {
            tables.addAll(gapTables());
        }
        if (rows.stream().anyMatch(r -> !r.last())) {
            for (String g : generators()) {
                tables.add(iterationTable(g));
            }
        }
        return tables;
    }

    /**
     * The final students' guidance response (their samples' move between two w as a fraction of the
     * teacher's: 1 follows w as the teacher does, 0 ignores it), per arm and per comparison.
     */
    private Table responseTable() {
        Plan.GuidanceResponseSetting s = plan.evaluation().guidanceResponse();
        Table.Builder t = Table.titled("Guidance response: the student's move from w " + (s == null ? "?"
                : number(s.low())) + " to " + (s == null ? "?" : number(s.high())) + " as a fraction of the teacher's, "
                + "mean ± sd [95 % interval]", HtmlReport.row("arm", "runs", "fraction"));
        for (String arm : armNames()) {
            if (response.containsKey(arm)) {
                t.add(HtmlReport.row(arm, String.valueOf(response.get(arm).size()), cell(stats(response.get(arm)), 3)));
            }
        }
        for (List<String> pair : plan.comparisons()) {
            if (response.containsKey(pair.get(0)) && response.containsKey(pair.get(1))) {
                t.add(HtmlReport.row(pair.get(0) + " − " + pair.get(1), "",
                        differenceCell(difference(response.get(pair.get(0)), response.get(pair.get(1))), 3)));
            }
        }
        return t.build();
    }

    /** Per seed, one value of LADD's adversary (a key of {@link #ADVERSARY}) for an arm. */
    private Map<Long, Double> adversaryValues(String arm, String key) {
        return bySeed(adversary, arm, key);
    }

    /**
     * How hard LADD's adversary pulled, per arm: its gradient against the sCM term's, and how far apart the
     * discriminator put reals and the student's fakes (with each value's range over seeds).
     */
    private Table adversaryTable() {
        List<String> header = HtmlReport.row("arm", "runs");
        ADVERSARY.keySet().forEach(k -> {
            header.add(k);
            header.add(k + " range");
        });
        Table.Builder t = Table.titled("LADD's adversary: the adversarial / sCM gradient-norm ratio (median over a run's "
                + "rows) and the discriminator's mean logits over the last " + AdversaryBalance.LAST_ITERATIONS
                + " iterations; mean ± sd [95 % interval] over seeds, and the range", header);
        for (String arm : armNames()) {
            if (!adversary.containsKey(arm)) {
                continue;
            }
            List<String> row = HtmlReport.row(arm, String.valueOf(adversary.get(arm).size()));
            ADVERSARY.forEach((k, d) -> {
                Map<Long, Double> v = adversaryValues(arm, k);
                row.add(cell(stats(v), d));
                row.add(String.format(Locale.ROOT, "%." + d + "f – %." + d + "f",
                        v.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                        v.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
            });
            t.add(row);
        }
        return t.build();
    }

    private static String number(double w) {
        return java.math.BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
    }

    /** The route indices the gap was measured at. */
    private java.util.Set<Integer> gapIndices() {
        java.util.Set<Integer> indices = new java.util.TreeSet<>();
        gap.values().forEach(bySeed -> bySeed.values().forEach(byIndex -> indices.addAll(byIndex.keySet())));
        return indices;
    }

    /** Per seed, the gap's value {@code column} (1 trajectory error, 2 diffusion error) at route index {@code i}. */
    private Map<Long, Double> gapValues(String arm, int i, int column) {
        Map<Long, Double> bySeed = new TreeMap<>();
        gap.getOrDefault(arm, Map.of()).forEach((seed, byIndex) -> {
            if (byIndex.containsKey(i)) {
                bySeed.put(seed, byIndex.get(i)[column]);
            }
        });
        return bySeed;
    }

    /**
     * The students' consistency errors along the teacher's trajectories and at diffusion points from the
     * same endpoints (tbcm gap), per route index: per arm, then each comparison's paired difference.
     */
    private List<Table> gapTables() {
        List<Table> tables = new ArrayList<>();
        Map<Integer, Double> times = new TreeMap<>();
        gap.values().forEach(bySeed -> bySeed.values().forEach(byIndex -> byIndex.forEach((i, v) ->
                times.putIfAbsent(i, v[0]))));
        java.util.Set<Integer> indices = times.keySet();
        String[] kinds = {"", "trajectory", "diffusion"};
        for (int column = 1; column <= 2; column++) {
            List<String> header = HtmlReport.row("route point i", "t");
            armNames().stream().filter(gap::containsKey).forEach(header::add);
            for (List<String> pair : plan.comparisons()) {
                if (gap.containsKey(pair.get(0)) && gap.containsKey(pair.get(1))) {
                    header.add(pair.get(0) + " − " + pair.get(1));
                }
            }
            Table.Builder t = Table.titled("Gap: consistency error at " + kinds[column] + " points, mean [95 % interval] "
                    + "over seeds", header);
            for (int i : indices) {
                List<String> row = HtmlReport.row(String.valueOf(i), HtmlReport.number(times.get(i), 3));
                for (String arm : armNames()) {
                    if (gap.containsKey(arm)) {
                        Statistics st = stats(gapValues(arm, i, column));
                        row.add(st == null ? "–" : st.n() < 2 ? String.format(Locale.ROOT, "%.5f", st.mean())
                                : String.format(Locale.ROOT, "%.5f [%.5f, %.5f]", st.mean(), st.low(), st.high()));
                    }
                }
                for (List<String> pair : plan.comparisons()) {
                    if (gap.containsKey(pair.get(0)) && gap.containsKey(pair.get(1))) {
                        row.add(differenceCell(difference(gapValues(pair.get(0), i, column),
                                gapValues(pair.get(1), i, column)), 5));
                    }
                }
                t.add(row);
            }
            tables.add(t.build());
        }
        return tables;
    }

    private Table iterationTable(String generator) {
        Table.Builder t = Table.titled(generator + ": FD against iteration, mean [min, max] over seeds",
                HtmlReport.row("arm", "iteration", "seeds", "FD mean", "FD min", "FD max", "class accuracy mean"));
        for (String arm : armNames()) {
            for (Map.Entry<Long, List<Row>> e : byIteration(arm, generator).entrySet()) {
                double[] fd = e.getValue().stream().mapToDouble(r -> r.values().get("fd")).toArray();
                double acc = e.getValue().stream().mapToDouble(r -> r.values().get("class_accuracy")).average()
                        .orElse(Double.NaN);
                t.add(HtmlReport.row(arm, String.valueOf(e.getKey()), String.valueOf(fd.length),
                        HtmlReport.number(java.util.Arrays.stream(fd).average().orElse(Double.NaN), 3),
                        HtmlReport.number(java.util.Arrays.stream(fd).min().orElse(Double.NaN), 3),
                        HtmlReport.number(java.util.Arrays.stream(fd).max().orElse(Double.NaN), 3),
                        HtmlReport.number(acc, 3)));
            }
        }
        return t.build();
    }

    private Map<Long, List<Row>> byIteration(String arm, String generator) {
        Map<Long, List<Row>> by = new TreeMap<>();
        rows.stream().filter(r -> r.arm().equals(arm) && r.generator().equals(generator))
                .forEach(r -> by.computeIfAbsent(r.iteration(), k -> new ArrayList<>()).add(r));
        return by;
    }

    String markdown() {
        StringBuilder b = new StringBuilder("# Experiment " + plan.name() + "\n\n");
        if (!plan.description().isBlank()) {
            b.append(plan.description().strip()).append("\n\n");
        }
        Plan.Evaluation e = plan.evaluation();
        b.append("Made by `").append(command).append("`.\n\n");
        b.append(String.format(Locale.ROOT, "%s; reference arm `%s`. Evaluation: %d samples per generator, "
                + "balanced over the classes, noise seed %d (the same noise for every run), FD/KID/precision/recall "
                + "in the evaluation classifier's features against the test split. Intervals: Student's t, 95 %%, "
                + "over seeds.%n%n", plan.seedsText(), plan.reference(), e.samples(), e.seed()));
        tables().forEach(t -> b.append(t.markdown()));
        return b.toString();
    }

    String html(Layout layout) {
        HtmlReport page = new HtmlReport("Experiment " + plan.name());
        if (!plan.description().isBlank()) {
            page.paragraph(plan.description().strip());
        }
        page.paragraph(String.format(Locale.ROOT, "%s, reference arm %s, %d evaluation samples (noise seed %d). "
                + "Error bars and intervals: 95 %% (Student's t over seeds).", plan.seedsText().replace("`", ""), plan.reference(),
                plan.evaluation().samples(), plan.evaluation().seed()));
        List<String[]> figures = new ArrayList<>();
        for (String g : generators()) {
            for (String metric : new String[] {"fd", "class_accuracy"}) {
                String file = "charts/" + metric + "-" + slug(g) + ".png";
                List<String> arms = new ArrayList<>();
                List<Double> means = new ArrayList<>();
                List<Double> errors = new ArrayList<>();
                for (String arm : armNames()) {
                    Statistics s = stats(finalValues(arm, g, metric));
                    if (s != null) {
                        arms.add(arm);
                        means.add(s.mean());
                        errors.add(s.n() > 1 ? s.high() - s.mean() : Double.NaN);
                    }
                }
                if (!arms.isEmpty()) {
                    ErrorBarChart.write(layout.file(file), g, metric, arms,
                            means.stream().mapToDouble(Double::doubleValue).toArray(),
                            errors.stream().mapToDouble(Double::doubleValue).toArray());
                    figures.add(new String[] {file, metric + ", " + g});
                }
            }
            if (rows.stream().anyMatch(r -> !r.last() && r.generator().equals(g))) {
                String file = "charts/fd-vs-iteration-" + slug(g) + ".png";
                Map<String, List<double[]>> series = new LinkedHashMap<>();
                for (String arm : armNames()) {
                    for (Map.Entry<Long, List<Row>> e : byIteration(arm, g).entrySet()) {
                        double[] fd = e.getValue().stream().mapToDouble(r -> r.values().get("fd")).toArray();
                        double x = e.getKey();
                        series.computeIfAbsent(arm + " mean", k -> new ArrayList<>())
                                .add(new double[] {x, java.util.Arrays.stream(fd).average().orElseThrow()});
                        if (fd.length > 1) {
                            series.computeIfAbsent(arm + " min", k -> new ArrayList<>())
                                    .add(new double[] {x, java.util.Arrays.stream(fd).min().orElseThrow()});
                            series.computeIfAbsent(arm + " max", k -> new ArrayList<>())
                                    .add(new double[] {x, java.util.Arrays.stream(fd).max().orElseThrow()});
                        }
                    }
                }
                LineChart.write(layout.file(file), "FD against iteration, " + g, "iteration", "FD", series, false);
                figures.add(new String[] {file, "FD against iteration, " + g});
            }
        }
        page.figures(figures);
        tables().forEach(page::table);
        return page.render();
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-|-$)", "");
    }

    private static Map<String, Integer> linked(Object... keyAndDecimals) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < keyAndDecimals.length; i += 2) {
            m.put((String) keyAndDecimals[i], (Integer) keyAndDecimals[i + 1]);
        }
        return m;
    }
}
