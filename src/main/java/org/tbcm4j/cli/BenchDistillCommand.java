package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.util.ChildProcess;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.bench.IterationBreakdown;
import org.tbcm4j.eval.Metrics;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.report.MetricsTable;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tbcm bench distill}: TBCM, the data-based sCM baseline, Sana-Sprint (sCM + LADD) and TBCM with
 * the DMD regulariser under one config, same iterations and pairs, each in its own JVM.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil with trajectory pairs (TBCM), data pairs (sCM), data pairs with LADD (Sana-Sprint) "
                + "and trajectory pairs with the DMD regulariser (tbcm-dmd) under one config, each in its own JVM; compare 1- and 2-step FD and class accuracy, time per "
                + "iteration, network evaluations and peak memory.")
public final class BenchDistillCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/distill.yaml", description = "Distillation config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--demo-config", defaultValue = "configs/demo.yaml",
            description = "Where the evaluation models and the student's sampling settings come from (default: ${DEFAULT-VALUE}).")
    String demoConfig;

    @Option(names = "--steps", description = "Override training.steps for both arms.")
    Long steps;

    @Option(names = "--samples", defaultValue = "1000", description = "Samples per evaluation (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--out", defaultValue = "runs/bench-distill", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", description = "Dataset for the data arms: IDX files or an image folder (default: Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--arms", split = ",", defaultValue = "tbcm,data-scm,sana-sprint,tbcm-dmd",
            description = "Arms to run, of tbcm, data-scm, sana-sprint, tbcm-dmd (default: ${DEFAULT-VALUE}).")
    List<String> armNames;

    @Option(names = "--breakdown-iterations", defaultValue = "10",
            description = "Iterations of each arm's component breakdown (bench iteration), after its run; 0 skips it "
                    + "(default: ${DEFAULT-VALUE}).")
    int breakdownIterations;

    /** An arm: its label and the distill arguments that make it from the shared config. */
    private record Arm(String label, List<String> sets) {
        List<String> args() {
            return sets.stream().flatMap(s -> java.util.stream.Stream.of("--set", s)).toList();
        }
    }

    private static final Map<String, Arm> ARMS = Map.of(
            "tbcm", new Arm("TBCM (trajectory pairs)", List.of("method=tbcm")),
            "data-scm", new Arm("sCM (data pairs)", List.of("method=scm")),
            "sana-sprint", new Arm("Sana-Sprint (data pairs + LADD)", List.of("method=sana_sprint")),
            "tbcm-dmd", new Arm("TBCM + DMD (image-free)", List.of("method=tbcm_dmd")));

    @Override
    public Integer call() throws Exception {
        DemoRunConfig demo = Configs.load(Home.resolve(demoConfig), DemoRunConfig.class);
        Path cfgPath = Home.resolve(config).toAbsolutePath();
        DistillConfig distill = Configs.load(cfgPath, DistillConfig.class);
        for (String name : armNames) {
            if (!ARMS.containsKey(name)) {
                throw new IllegalArgumentException("--arms: unknown arm '" + name + "' (known: tbcm, data-scm, sana-sprint, tbcm-dmd)");
            }
        }
        Map<String, Map<String, Object>> arms = new LinkedHashMap<>();
        for (String arm : armNames) {
            List<String> args = new ArrayList<>(List.of("distill", "--config", cfgPath.toString(), "--runs",
                    out.toString(), "--name", arm));
            args.addAll(ARMS.get(arm).args());
            if (steps != null) {
                args.addAll(List.of("--steps", String.valueOf(steps)));
            }
            if (data != null) {
                args.addAll(List.of("--data", data.toString()));
            }
            System.out.println("distilling " + ARMS.get(arm).label() + " (log: " + out.resolve(arm + ".log") + ")");
            ChildProcess.run(out.resolve(arm + ".log"), args.toArray(String[]::new));
            RunDirectory dir = new RunDirectory(out.resolve(arm));
            JsonNode summary = Json.JSON.readTree(dir.file("summary.json").toFile());
            MetricsTable metrics = MetricsTable.read(dir.metrics());
            List<double[]> elapsed = metrics.column("elapsed_s");
            List<double[]> throughput = metrics.column("pairs_per_s");
            double loopSeconds = elapsed.get(elapsed.size() - 1)[1];
            double stepsDone = elapsed.get(elapsed.size() - 1)[0];
            double pairsPerStep = distill.pairsPerIteration();
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("steps", (long) stepsDone);
            a.put("pairs_per_step", (long) pairsPerStep);
            a.put("wall_seconds_with_setup", summary.get("seconds").asDouble());
            a.put("loop_seconds", loopSeconds);
            a.put("ms_per_iteration", 1000 * loopSeconds / stepsDone);
            a.put("ms_per_pair", 1000 * loopSeconds / (stepsDone * pairsPerStep));
            a.put("teacher_evaluations_per_iteration", pairsPerStep * mean(metrics.column("teacher_evaluations_per_pair")));
            List<double[]> passes = metrics.column("discriminator_passes_per_pair");
            a.put("discriminator_passes_per_iteration", passes.isEmpty() ? 0.0 : pairsPerStep * mean(passes));
            a.put("pairs_per_second_median_window", median(throughput));
            a.put("peak_resident_mib", summary.get("peak_resident_bytes").asDouble() / 1048576.0);
            arms.put(arm, a);
        }
        StringBuilder breakdown = new StringBuilder();
        if (breakdownIterations > 0) {
            for (String arm : arms.keySet()) {
                List<String> args = new ArrayList<>(List.of("bench", "iteration", "--config", cfgPath.toString(),
                        "--iterations", String.valueOf(breakdownIterations), "--json",
                        out.resolve(arm + "-breakdown.json").toString()));
                args.addAll(ARMS.get(arm).args());
                if (data != null) {
                    args.addAll(List.of("--data", data.toString()));
                }
                System.out.println("breaking down an iteration of " + ARMS.get(arm).label());
                ChildProcess.run(out.resolve(arm + "-breakdown.log"), args.toArray(String[]::new));
                IterationBreakdown.Result r = Json.JSON.readValue(out.resolve(arm + "-breakdown.json").toFile(),
                        IterationBreakdown.Result.class);
                breakdown.append('\n').append(BenchIterationCommand.table(ARMS.get(arm).label(), r));
            }
        }
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(demo.autoencoder()), root);
            Scorer scorer = Scorer.load(Home.resolve(demo.classifier()), Home.resolve(demo.reference()), root);
            for (String arm : arms.keySet()) {
                Student student = ModelFiles.student(out.resolve(arm).resolve("model.safetensors"), root);
                for (int k : new int[] {1, 2}) {
                    StudentGenerator g = new StudentGenerator(student, k, demo.student().intermediate(),
                            demo.student().cfg(), demo.seed());
                    Metrics m = scorer.score(scorer.generate(g, ae, samples, demo.seed(), root), demo.seed());
                    arms.get(arm).put("fd_" + k + "step", m.fd());
                    arms.get(arm).put("kid_" + k + "step", m.kid());
                    arms.get(arm).put("class_accuracy_" + k + "step", m.classAccuracy());
                }
            }
        }
        String[] keys = {"fd_1step", "fd_2step", "class_accuracy_1step", "class_accuracy_2step", "ms_per_iteration",
            "ms_per_pair", "teacher_evaluations_per_iteration", "discriminator_passes_per_iteration",
            "wall_seconds_with_setup", "peak_resident_mib"};
        StringBuilder md = new StringBuilder("| metric |");
        arms.keySet().forEach(a -> md.append(' ').append(ARMS.get(a).label()).append(" |"));
        md.append("\n|---|").append("---|".repeat(arms.size())).append('\n');
        for (String k : keys) {
            md.append("| ").append(k).append(" |");
            for (Map<String, Object> a : arms.values()) {
                md.append(String.format(Locale.ROOT, " %.4g |", ((Number) a.get(k)).doubleValue()));
            }
            md.append('\n');
        }
        md.append(breakdown);
        System.out.print(md);
        RunDirectory.writeAtomically(out.resolve("bench-distill.md"), md.toString());
        RunDirectory.writeAtomically(out.resolve("bench-distill.json"),
                Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(arms));
        System.out.println("wrote " + out.resolve("bench-distill.md") + " and .json");
        return 0;
    }

    private static double mean(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
    }

    private static double median(List<double[]> points) {
        double[] v = points.stream().mapToDouble(p -> p[1]).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }
}
