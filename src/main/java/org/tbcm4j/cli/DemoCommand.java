package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.eval.Comparison;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.report.HtmlReport;
import org.tbcm4j.report.LineChart;
import org.tbcm4j.report.MetricsTable;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm demo}: the main job, on shipped checkpoints and without any dataset. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Distil the shipped teacher image-free (TBCM), then compare teacher and one-/two-step student on "
                + "the same noise; writes <out>/report.html and <out>/metrics.json. Needs no dataset.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A shorter distillation and fewer samples (a few minutes).")
    boolean quick;

    @Option(names = "--out", defaultValue = "demo", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--config", defaultValue = "configs/demo.yaml", description = "Demo config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key of the demo's distillation "
            + "config, e.g. --set training.steps=100 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        DemoRunConfig demo = Configs.load(Home.resolve(config), DemoRunConfig.class);
        DistillConfig distill = Configs.load(Home.resolve(quick ? demo.quickDistill() : demo.distill()),
                DistillConfig.class, sets).withMethod("tbcm");
        int samples = quick ? demo.quickSamples() : demo.samples();
        RunDirectory runDir = new RunDirectory(out.resolve("distill"));
        Files.createDirectories(out);
        Map<String, Object> distillation = new LinkedHashMap<>();
        List<Map<String, Object>> generators = new ArrayList<>();
        List<List<String>> table;
        List<String[]> grids;
        try (NDManager root = Backend.newManager()) {
            System.out.println("distilling the shipped teacher image-free (" + (quick ? "quick" : "full") + " config: "
                    + distill.training().steps() + " steps of " + distill.pairsPerIteration() + " trajectory pairs)");
            Distillation.Outcome d = Distillation.run(distill, runDir, Path.of("/nonexistent-no-dataset-needed"),
                    runDir.hasCheckpoint(), 0, root);
            distillation.put("method", "tbcm");
            distillation.put("steps", d.loop().lastStep());
            distillation.put("pairs_per_step", d.pairsPerIteration());
            distillation.put("wall_seconds", d.seconds());
            distillation.put("peak_resident_mib", d.peakResidentBytes() / 1048576.0);
            distillation.put("skipped_steps", d.loop().skippedSteps());
            System.out.printf(Locale.ROOT, "distilled in %.0f s, peak resident memory %.0f MiB%n", d.seconds(),
                    d.peakResidentBytes() / 1048576.0);

            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(demo.autoencoder()), root);
            Scorer scorer = Scorer.load(Home.resolve(demo.classifier()), Home.resolve(demo.reference()), root);
            DiT teacher = ModelFiles.teacher(Home.resolve(distill.teacher()), root);
            Student student = ModelFiles.student(d.model(), root);
            DemoRunConfig.TeacherSetting few = demo.teacherFewStep();
            DemoRunConfig.TeacherSetting reference = demo.teacherReference();
            double w = demo.student().cfg();
            List<Comparison.Entry> lineUp = new ArrayList<>(List.of(
                    new Comparison.Entry("teacher-" + few.steps(), teacher(teacher, few), few.steps(), few.cfg()),
                    new Comparison.Entry("teacher-" + reference.steps(), teacher(teacher, reference), reference.steps(),
                            reference.cfg()),
                    new Comparison.Entry("student-1", new StudentGenerator(student, 1, demo.student().intermediate(), w,
                            demo.seed()), 1, w),
                    new Comparison.Entry("student-2", new StudentGenerator(student, 2, demo.student().intermediate(), w,
                            demo.seed()), 2, w)));
            // the same student at other guidance scales: does it follow w as the teacher does?
            for (double other : demo.student().guidanceSweep()) {
                lineUp.add(new Comparison.Entry("student-1-w" + java.math.BigDecimal.valueOf(other).stripTrailingZeros().toPlainString(),
                        new StudentGenerator(student, 1, demo.student().intermediate(), other, demo.seed()), 1, other));
            }
            Comparison.Outcome compared = Comparison.run(lineUp, ae, scorer, samples, demo.seed(), out, root);
            generators.addAll(compared.generators());
            table = compared.table();
            grids = compared.grids();
        }
        writeCharts(runDir);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("generators", generators);
        metrics.put("distillation", distillation);
        metrics.put("samples", samples);
        metrics.put("seed", demo.seed());
        metrics.put("demo_wall_seconds", (System.nanoTime() - started) / 1e9);
        RunDirectory.writeAtomically(out.resolve("metrics.json"),
                Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
        HtmlReport html = new HtmlReport("tbcm4j demo: image-free one-step distillation (TBCM)")
                .paragraph(String.format(Locale.ROOT, "The shipped teacher was distilled without a single training image "
                        + "in %.0f s (%s steps, %s trajectory pairs each, peak resident memory %.0f MiB). All generators "
                        + "below start from the same noise (seed %d, %d samples, balanced classes). Metrics are in the "
                        + "features of our own Fashion-MNIST classifier (FD, not FID).", distillation.get("wall_seconds"),
                        distillation.get("steps"), distillation.get("pairs_per_step"), distillation.get("peak_resident_mib"),
                        demo.seed(), samples))
                .heading("Metrics").table(table)
                .heading("Samples (one row per class, same noise in every grid)").figures(grids)
                .heading("Distillation").figures(List.of(new String[] {"loss.png", "sCM loss"},
                        new String[] {"loss-without-logvar.png", "sCM loss without the logvar weighting"},
                        new String[] {"norms.png", "tangent and gradient norms"}));
        RunDirectory.writeAtomically(out.resolve("report.html"), html.render());
        System.out.printf(Locale.ROOT, "wrote %s and %s in %.0f s%n", out.resolve("report.html"), out.resolve("metrics.json"),
                (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private static LatentGenerator teacher(DiT dit, DemoRunConfig.TeacherSetting s) {
        return new TeacherGenerator(dit, OdeSampler.parse(s.sampler()), s.steps(), s.cfg(), s.shift());
    }

    private void writeCharts(RunDirectory runDir) {
        MetricsTable t = MetricsTable.read(runDir.metrics());
        // Two charts: the logvar-weighted loss is around -4, the plain one around 0.02; on one axis the
        // plain loss would be a flat line and its noise invisible.
        LineChart.write(out.resolve("loss.png"), "sCM loss (learned logvar weighting)", "step", "loss",
                Map.of("loss", t.column("loss")), false);
        LineChart.write(out.resolve("loss-without-logvar.png"), "sCM loss without the logvar weighting", "step",
                "loss", Map.of("loss without logvar", t.column("loss_without_logvar")), false);
        Map<String, List<double[]>> norms = new LinkedHashMap<>();
        norms.put("g norm (before normalisation)", t.column("g_norm"));
        norms.put("gradient norm (before clipping)", t.column("grad_norm"));
        LineChart.write(out.resolve("norms.png"), "norms", "step", "norm", norms, true);
    }
}
