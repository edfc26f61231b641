package org.tbcm4j.experiment;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.tbcm4j.report.LineChart;
import org.tbcm4j.report.MetricsTable;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.Home;

/**
 * bin/tbcm demo: distil the shipped teacher image-free with the demo's config (resuming a run cut short),
 * then compare the teacher at its best few-step setting and at 16 steps with the student at 1 and 2 steps
 * (and at 1 step across the demo's other guidance scales), all on the same noise, on one page.
 */
public final class Demo {
    private Demo() {}

    /** Runs the demo of {@code demo} with distillation config {@code distill} and {@code samples} per generator into {@code out}. */
    public static void run(DemoRunConfig demo, DistillConfig distill, int samples, boolean quick, Path out,
            NDManager root) {
        long started = System.nanoTime();
        RunDirectory runDir = new RunDirectory(out.resolve("distill"));
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
        System.out.println("distilling the shipped teacher image-free (" + (quick ? "quick" : "full") + " config: "
                + distill.training().steps() + " steps of " + distill.pairsPerIteration() + " trajectory pairs)");
        Distillation.Outcome d = Distillation.run(distill, runDir, Path.of("/nonexistent-no-dataset-needed"),
                runDir.hasCheckpoint(), 0, root);
        Map<String, Object> distillation = new LinkedHashMap<>();
        distillation.put("method", distill.method());
        distillation.put("steps", d.loop().lastStep());
        distillation.put("pairs_per_step", d.pairsPerIteration());
        distillation.put("wall_seconds", d.seconds());
        distillation.put("peak_rss_mib", d.peakResidentBytes() / 1048576.0);
        distillation.put("skipped_steps", d.loop().skippedSteps());
        System.out.printf(Locale.ROOT, "distilled in %.0f s, peak resident memory %.0f MiB%n", d.seconds(),
                d.peakResidentBytes() / 1048576.0);

        Autoencoder ae = ModelFiles.autoencoder(Home.resolve(demo.autoencoder()), root);
        Scorer scorer = Scorer.load(Home.resolve(demo.classifier()), Home.resolve(demo.reference()), root);
        DiT teacher = ModelFiles.teacher(Home.resolve(distill.teacher()), root);
        Student student = ModelFiles.student(d.model(), root);
        DemoRunConfig.TeacherSetting few = demo.teacherFewStep();
        DemoRunConfig.TeacherSetting reference = demo.teacherReference();
        DemoRunConfig.StudentSetting s = demo.student();
        List<Comparison.Entry> lineUp = new ArrayList<>(List.of(
                new Comparison.Entry("teacher-" + few.steps(), teacher(teacher, few), few.steps(), few.cfg()),
                new Comparison.Entry("teacher-" + reference.steps(), teacher(teacher, reference), reference.steps(),
                        reference.cfg()),
                new Comparison.Entry("student-1", new StudentGenerator(student, 1, s.intermediate(), s.cfg(), demo.seed()),
                        1, s.cfg()),
                new Comparison.Entry("student-2", new StudentGenerator(student, 2, s.intermediate(), s.cfg(), demo.seed()),
                        2, s.cfg())));
        // the same student at other guidance scales: does it follow w as the teacher does?
        for (double other : s.guidanceSweep()) {
            lineUp.add(new Comparison.Entry("student-1-w" + BigDecimal.valueOf(other).stripTrailingZeros().toPlainString(),
                    new StudentGenerator(student, 1, s.intermediate(), other, demo.seed()), 1, other));
        }
        Comparison.Outcome compared = Comparison.run(lineUp, ae, scorer, samples, demo.seed(), out, root);
        writeCharts(runDir, out);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("distillation", distillation);
        extra.put("samples", samples);
        extra.put("seed", demo.seed());
        extra.put("demo_wall_seconds", (System.nanoTime() - started) / 1e9);
        Comparison.writePage(compared, out, "index.html", "tbcm4j demo: image-free one-step distillation (TBCM)",
                String.format(Locale.ROOT, "The shipped teacher was distilled without a single training image in %.0f s "
                        + "(%s steps, %s trajectory pairs each, peak resident memory %.0f MiB). All generators below "
                        + "start from the same noise (seed %d, %d samples, balanced classes). Metrics are in the features "
                        + "of our own Fashion-MNIST classifier (FD, not FID).", d.seconds(), d.loop().lastStep(),
                        d.pairsPerIteration(), d.peakResidentBytes() / 1048576.0, demo.seed(), samples),
                null, extra, Map.of("Distillation", List.of(new String[] {"loss.png", "sCM loss"},
                        new String[] {"loss-without-logvar.png", "sCM loss without the logvar weighting"},
                        new String[] {"norms.png", "tangent and gradient norms"})));
        System.out.printf(Locale.ROOT, "wrote %s and %s in %.0f s%n", out.resolve("index.html"),
                out.resolve("metrics.json"), (System.nanoTime() - started) / 1e9);
    }

    private static LatentGenerator teacher(DiT dit, DemoRunConfig.TeacherSetting s) {
        return new TeacherGenerator(dit, OdeSampler.parse(s.sampler()), s.steps(), s.cfg(), s.shift());
    }

    private static void writeCharts(RunDirectory runDir, Path out) {
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
