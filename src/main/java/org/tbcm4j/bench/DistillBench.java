package org.tbcm4j.bench;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.RunCost;
import org.tbcm4j.eval.GeneratorScores;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.ChildProcess;
import org.tbcm4j.util.Json;

/**
 * bench distill: TBCM, the data-based sCM baseline, Sana-Sprint (sCM + LADD) and TBCM with the DMD
 * regulariser under one config, same iterations and pairs, each distilled in its own JVM; then each arm's
 * cost ({@link RunCost}), its iteration broken down by phase ({@code bench iteration}, another JVM) and its
 * student's 1- and 2-step scores, side by side.
 */
public final class DistillBench {
    /** An arm: its label and the overrides that make it from the shared config. */
    public record Arm(String label, List<String> sets) {}

    public static final Map<String, Arm> ARMS = arms();

    private static Map<String, Arm> arms() {
        Map<String, Arm> a = new LinkedHashMap<>();
        a.put("tbcm", new Arm("TBCM (trajectory pairs)", List.of("method=tbcm")));
        a.put("data-scm", new Arm("sCM (data pairs)", List.of("method=scm")));
        a.put("sana-sprint", new Arm("Sana-Sprint (data pairs + LADD)", List.of("method=sana_sprint")));
        a.put("tbcm-dmd", new Arm("TBCM + DMD (image-free)", List.of("method=tbcm_dmd")));
        return java.util.Collections.unmodifiableMap(a);
    }

    /** Where the students are scored and how they sample. */
    public record Scoring(Path autoencoder, Path classifier, Path reference, int samples, long seed,
            double intermediateTime, double guidance) {}

    /**
     * What to run: the config file, the arms (keys of {@link #ARMS}), an iteration count for all (or null),
     * the data directory of the data arms (or null), the breakdown's timed iterations (0: none).
     */
    public record Setup(Path config, List<String> arms, Long steps, Path data, int breakdownIterations, Path out) {
        public Setup {
            for (String name : arms) {
                if (!ARMS.containsKey(name)) {
                    throw new IllegalArgumentException("--arms: unknown arm '" + name + "' (known: tbcm, data-scm, "
                            + "sana-sprint, tbcm-dmd)");
                }
            }
        }
    }

    /** The figures of each arm, by key, in the arms' order, and the Markdown page. */
    public record Outcome(Map<String, Map<String, Object>> arms, String markdown) {}

    private static final String[] KEYS = {"fd_1step", "fd_2step", "class_accuracy_1step", "class_accuracy_2step",
        "ms_per_iteration", "ms_per_pair", "teacher_evaluations_per_iteration", "discriminator_passes_per_iteration",
        "wall_seconds", "peak_rss_mib"};

    private DistillBench() {}

    public static Outcome run(Setup setup, Scoring scoring, NDManager root) {
        DistillConfig distill = org.tbcm4j.config.Configs.load(setup.config(), DistillConfig.class);
        Map<String, Map<String, Object>> arms = new LinkedHashMap<>();
        for (String arm : setup.arms()) {
            List<String> args = new ArrayList<>(List.of("distill", "--config", setup.config().toString(), "--runs",
                    setup.out().toString(), "--name", arm));
            args.addAll(setArgs(arm));
            if (setup.steps() != null) {
                args.addAll(List.of("--steps", String.valueOf(setup.steps())));
            }
            if (setup.data() != null) {
                args.addAll(List.of("--data", setup.data().toString()));
            }
            System.out.println("distilling " + ARMS.get(arm).label() + " (log: " + setup.out().resolve(arm + ".log") + ")");
            ChildProcess.run(setup.out().resolve(arm + ".log"), args.toArray(String[]::new));
            RunCost cost = RunCost.of(new RunDirectory(setup.out().resolve(arm)), distill.pairsPerIteration());
            Map<String, Object> a = new LinkedHashMap<>(cost.json());
            a.put("ms_per_pair", cost.msPerIteration() / cost.pairsPerIteration());
            a.put("teacher_evaluations_per_iteration", (double) cost.teacherEvaluations() / cost.iterations());
            a.put("discriminator_passes_per_iteration", (double) cost.discriminatorPasses() / cost.iterations());
            arms.put(arm, a);
        }
        StringBuilder breakdown = new StringBuilder();
        if (setup.breakdownIterations() > 0) {
            for (String arm : arms.keySet()) {
                Path json = setup.out().resolve(arm + "-breakdown.json");
                List<String> args = new ArrayList<>(List.of("bench", "iteration", "--config", setup.config().toString(),
                        "--iterations", String.valueOf(setup.breakdownIterations()), "--json", json.toString()));
                args.addAll(setArgs(arm));
                if (setup.data() != null) {
                    args.addAll(List.of("--data", setup.data().toString()));
                }
                System.out.println("breaking down an iteration of " + ARMS.get(arm).label());
                ChildProcess.run(setup.out().resolve(arm + "-breakdown.log"), args.toArray(String[]::new));
                IterationBreakdown.Result r;
                try {
                    r = Json.JSON.readValue(json.toFile(), IterationBreakdown.Result.class);
                } catch (IOException e) {
                    throw new UncheckedIOException(json + ": " + e.getMessage(), e);
                }
                breakdown.append('\n').append(table(ARMS.get(arm).label(), r));
            }
        }
        GeneratorScores scores = new GeneratorScores(scoring.autoencoder(), scoring.classifier(), scoring.reference(),
                root);
        for (String arm : arms.keySet()) {
            Student student = ModelFiles.student(setup.out().resolve(arm).resolve("model.safetensors"), root);
            for (int k : new int[] {1, 2}) {
                StudentGenerator g = new StudentGenerator(student, k, scoring.intermediateTime(), scoring.guidance(),
                        scoring.seed());
                Map<String, Object> row = scores.score(g, scoring.samples(), scoring.seed(), root);
                arms.get(arm).put("fd_" + k + "step", row.get("fd"));
                arms.get(arm).put("kid_" + k + "step", row.get("kid"));
                arms.get(arm).put("class_accuracy_" + k + "step", row.get("class_accuracy"));
            }
        }
        StringBuilder md = new StringBuilder("| metric |");
        arms.keySet().forEach(a -> md.append(' ').append(ARMS.get(a).label()).append(" |"));
        md.append("\n|---|").append("---|".repeat(arms.size())).append('\n');
        for (String k : KEYS) {
            md.append("| ").append(k).append(" |");
            for (Map<String, Object> a : arms.values()) {
                md.append(String.format(Locale.ROOT, " %.4g |", ((Number) a.get(k)).doubleValue()));
            }
            md.append('\n');
        }
        md.append(breakdown);
        return new Outcome(arms, md.toString());
    }

    private static List<String> setArgs(String arm) {
        return ARMS.get(arm).sets().stream().flatMap(s -> java.util.stream.Stream.of("--set", s)).toList();
    }

    /** A breakdown as a Markdown table: median ms, share of the total, and the memory rise of each phase. */
    public static String table(String arm, IterationBreakdown.Result r) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "%s, %d pairs per iteration: the phases of the real iteration (median of the timed iterations)%n%n"
                        + "| phase | ms | share | resident rise in the first iteration, MiB |%n|---|---|---|---|%n",
                arm, r.pairsPerIteration()));
        for (IterationBreakdown.Component c : r.components()) {
            boolean counted = c.role() == IterationBreakdown.Role.COMPONENT;
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s |%n", c.name(), c.medianMs(),
                    counted ? String.format(Locale.ROOT, "%.0f %%", 100 * c.medianMs() / r.totalMs()) : "",
                    c.peakRiseBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", c.peakRiseBytes() / 1048576.0)));
        }
        md.append(String.format(Locale.ROOT, "| total | %.1f | 100 %% | |%n%n", r.totalMs()));
        md.append(String.format(Locale.ROOT, "- resident memory once built, before the first iteration: %.0f MiB%n",
                r.residentAfterSetupBytes() / 1048576.0));
        for (Map.Entry<String, Long> e : r.stateBytes().entrySet()) {
            md.append(String.format(Locale.ROOT, "- %s: %.1f MiB%n", e.getKey(), e.getValue() / 1048576.0));
        }
        md.append(String.format(Locale.ROOT, "- peak resident memory of the process: %.0f MiB%n",
                r.peakResidentBytes() / 1048576.0));
        return md.toString();
    }
}
