package org.tbcm4j.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.config.Configs;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.distill.FilterCalibration;
import org.tbcm4j.distill.GuidanceCalibration;
import org.tbcm4j.eval.Comparison;
import org.tbcm4j.eval.GeneratorScores;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.train.AutoencoderRunConfig;
import org.tbcm4j.train.AutoencoderTraining;
import org.tbcm4j.train.ClassifierRunConfig;
import org.tbcm4j.train.ClassifierTraining;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TeacherRunConfig;
import org.tbcm4j.train.TeacherTraining;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.RunFailure;
import org.tbcm4j.util.Trees;

/**
 * From a dataset to a distilled one-step student and its report, one stage after another (autoencoder →
 * classifier → reference features → blank latent and filter calibration → teacher → TBCM → report), each
 * sized to the dataset and run as a Java call in its own sub-manager (its arrays go with it). A stage whose output exists is skipped and an interrupted training stage resumes
 * from its checkpoint, so running it again continues a stopped pipeline.
 */
public final class Pipeline {
    /** The report's teacher: 16 DPM-Solver++(2M) steps. */
    static final int REPORT_TEACHER_STEPS = 16;

    /**
     * What to run: the dataset (opened) and its path, the four stage configs (autoencoder, classifier,
     * teacher, distill), the pipeline's directory, the preset's name and the report's samples per generator.
     */
    public record Setup(Dataset set, Path data, Map<String, Path> configs, Path root, String preset, int reportSamples) {}

    private Pipeline() {}

    public static void run(Setup s, NDManager root) {
        Dataset set = s.set();
        record(s);
        System.out.printf(Locale.ROOT, "pipeline %s: %s, %d classes (%s), %d×%d×%d, %d training images; preset %s%n",
                s.root(), set.source(), set.numClasses(), String.join(", ", set.classNames()), set.size(), set.size(),
                set.channels(), set.train().size(), s.preset());
        String size = String.valueOf(set.size());
        String channels = String.valueOf(set.channels());
        String classes = String.valueOf(set.numClasses());

        Path ae = train(s, root, "autoencoder", AutoencoderRunConfig.class,
                List.of("model.image_size=" + size, "model.image_channels=" + channels),
                (cfg, dir, resume, m) -> AutoencoderTraining.run(cfg, dir, set, resume, 0, m));
        Path classifier = train(s, root, "classifier", ClassifierRunConfig.class,
                List.of("model.image_size=" + size, "model.image_channels=" + channels, "model.num_classes=" + classes),
                (cfg, dir, resume, m) -> ClassifierTraining.run(cfg, dir, set, resume, 0, m));
        Path reference = s.root().resolve("reference-features.safetensors");
        stage("reference features", reference, () -> sub(root, m -> ReferenceFeatures.write(classifier, set, reference, m)));
        Path blank = s.root().resolve("blank-latent.safetensors");
        Path calibration = s.root().resolve("filter-calibration.json");
        stage("blank latent and filter calibration", calibration, () -> sub(root, m -> {
            Autoencoder autoencoder = ModelFiles.autoencoder(ae, m);
            NDArray latent = BlankLatent.write(autoencoder, blank, m);
            FilterCalibration.calibrate(autoencoder, ae, latent, set, 1.0, calibration, m);
        }));
        String filter = filterOverride(calibration);
        int latentEdge = set.size() / 4;
        Path teacher = train(s, root, "teacher", TeacherRunConfig.class,
                List.of("autoencoder=" + ae, "model.image_size=" + latentEdge, "model.num_classes=" + classes,
                        "model.patch_size=" + patchSize(latentEdge)),
                (cfg, dir, resume, m) -> TeacherTraining.run(cfg, dir, set, resume, 0, m));
        Path guidance = s.root().resolve("guidance-calibration.json");
        stage("teacher's guidance calibration", guidance, () -> sub(root, m -> {
            DistillConfig preset = Configs.load(s.configs().get("distill"), DistillConfig.class);
            GuidanceCalibration.calibrate(ModelFiles.teacher(teacher, m), new GeneratorScores(ae, classifier, reference, m),
                    java.util.Arrays.stream(preset.guidanceScales().values()).boxed().toList(),
                    preset.evaluation().guidance(), Math.min(GuidanceCalibration.SAMPLES, s.reportSamples()), guidance, m);
        }));
        List<String> studentSets = new ArrayList<>(List.of("teacher=" + teacher, "filter.reference=" + blank, filter,
                "data_pairs.autoencoder=" + ae, "evaluation.autoencoder=" + ae, "evaluation.classifier=" + classifier,
                "evaluation.reference=" + reference));
        studentSets.addAll(guidanceOverrides(guidance));
        Path student = train(s, root, "student", DistillConfig.class, studentSets,
                (cfg, dir, resume, m) -> Distillation.run(cfg, dir, s.data(), resume, 0, m).loop());
        DistillConfig distill = Configs.load(new RunDirectory(s.root().resolve("student")).config(), DistillConfig.class);
        Path report = s.root().resolve("report");
        stage("report", report.resolve("index.html"), () -> sub(root, m -> report(s, teacher, student, ae, classifier,
                reference, distill.evaluation().guidance(), report, m)));
        System.out.println("pipeline done: student " + student + ", report " + report.resolve("index.html"));
    }

    /** The rollouts' scales and the evaluation w from the teacher's guidance calibration. */
    private static List<String> guidanceOverrides(Path calibration) {
        JsonNode c;
        try {
            c = Json.JSON.readTree(calibration.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(calibration + ": " + e.getMessage(), e);
        }
        double best = c.path("best_w").asDouble(Double.NaN);
        List<String> scales = new ArrayList<>();
        c.path("guidance_scales").forEach(w -> scales.add(String.valueOf(w.asDouble(Double.NaN))));
        if (!Double.isFinite(best) || scales.isEmpty()) {
            throw new RunFailure(calibration + ": no best_w or guidance_scales; delete it to recalibrate");
        }
        return List.of("guidance_scales=[" + String.join(", ", scales) + "]", "evaluation.guidance=" + best);
    }

    /** A latent of more than 12×12 is cut into 2×2 patches, as DiT does for larger latents. */
    static int patchSize(int latentEdge) {
        return latentEdge > 12 && latentEdge % 2 == 0 ? 2 : 1;
    }

    /** The calibrated threshold; a real image at the blank latent leaves none that spares every class: no filter then. */
    private static String filterOverride(Path calibration) {
        double threshold;
        try {
            threshold = Json.JSON.readTree(calibration.toFile()).path("threshold").asDouble(Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException(calibration + ": " + e.getMessage(), e);
        }
        if (!(threshold >= 0) || !Double.isFinite(threshold)) {
            throw new RunFailure(calibration + ": no finite threshold; delete it to recalibrate");
        }
        if (threshold == 0) {
            System.out.println("== the filter is off: some real test image encodes to the blank latent itself");
        }
        return threshold > 0 ? "filter.threshold=" + threshold : "filter.enabled=false";
    }

    /**
     * The teacher at 16 steps and the student at 1 and 2 steps, each at every scale of {@link #REPORT_GUIDANCE}
     * and the distillation's evaluation guidance w; the page states the student's FD at w against the teacher's
     * at w and against the teacher's best, so that a user sees the gap to the best the teacher can do.
     */
    private static void report(Setup s, Path teacherFile, Path studentFile, Path aeFile, Path classifier,
            Path reference, double w, Path out, NDManager m) {
        Autoencoder ae = ModelFiles.autoencoder(aeFile, m);
        Scorer scorer = Scorer.load(classifier, reference, m);
        DiT teacher = ModelFiles.teacher(teacherFile, m);
        Student student = ModelFiles.student(studentFile, m);
        long seed = 0;
        List<Double> scales = reportGuidance(w);
        List<Comparison.Entry> entries = new ArrayList<>();
        for (double g : scales) {
            entries.add(new Comparison.Entry(teacherName(g), new TeacherGenerator(teacher, OdeSampler.parse("dpm2m"),
                    REPORT_TEACHER_STEPS, g, 1.0), REPORT_TEACHER_STEPS, g));
        }
        for (int steps : new int[] {1, 2}) {
            for (double g : scales) {
                entries.add(new Comparison.Entry(studentName(steps, g), new StudentGenerator(student, steps, 1.0, g, seed),
                        steps, g));
            }
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
        Comparison.Outcome compared = Comparison.run(entries, ae, scorer, s.reportSamples(), seed, out, m);
        Map<String, Object> gap = gapToTeacher(compared.generators(), w);
        System.out.println(gapSentence(gap));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("samples", s.reportSamples());
        extra.put("seed", seed);
        extra.put("class_names", s.set().classNames());
        extra.put("gap_to_teacher", gap);
        Comparison.writePage(compared, out, "index.html", "tbcm4j pipeline: " + s.set().source(),
                String.format(Locale.ROOT, "Every generator starts from the same noise (seed %d, %d samples, balanced "
                        + "classes). Metrics are in the features of the evaluation classifier %s (FD, not FID). %s",
                        seed, s.reportSamples(), classifier, gapSentence(gap)),
                "Rows, top to bottom: " + String.join(", ", s.set().classNames()) + ".", extra, Map.of());
    }

    /** The report's guidance scales: the teacher's usual range, and the student's evaluation w. */
    static final List<Double> REPORT_GUIDANCE = List.of(1.0, 1.5, 2.0, 3.0);

    static List<Double> reportGuidance(double w) {
        java.util.TreeSet<Double> scales = new java.util.TreeSet<>(REPORT_GUIDANCE);
        scales.add(w);
        return List.copyOf(scales);
    }

    static String teacherName(double w) {
        return "teacher-" + REPORT_TEACHER_STEPS + "-w" + scaleText(w);
    }

    static String studentName(int steps, double w) {
        return "tbcm-" + steps + "-w" + scaleText(w);
    }

    private static String scaleText(double w) {
        return java.math.BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
    }

    /**
     * From the report's generators: the teacher's FD-best scale and FD, the teacher's FD at w, and the
     * student's FD at w at 1 and 2 steps, as ratios to both.
     */
    static Map<String, Object> gapToTeacher(List<Map<String, Object>> generators, double w) {
        Map<String, Double> fd = new LinkedHashMap<>();
        for (Map<String, Object> g : generators) {
            fd.put((String) g.get("name"), ((Number) g.get("fd")).doubleValue());
        }
        double bestW = Double.NaN;
        double bestFd = Double.POSITIVE_INFINITY;
        for (double g : reportGuidance(w)) {
            double f = fd.get(teacherName(g));
            if (f < bestFd) {
                bestFd = f;
                bestW = g;
            }
        }
        double teacherAtW = fd.get(teacherName(w));
        Map<String, Object> gap = new LinkedHashMap<>();
        gap.put("w", w);
        gap.put("teacher_best_w", bestW);
        gap.put("teacher_best_fd", bestFd);
        gap.put("teacher_fd_at_w", teacherAtW);
        for (int steps : new int[] {1, 2}) {
            double f = fd.get(studentName(steps, w));
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("fd", f);
            ratios.put("to_teacher_at_w", f / teacherAtW);
            ratios.put("to_teacher_best", f / bestFd);
            gap.put("student_" + steps + "_step" + (steps == 1 ? "" : "s"), ratios);
        }
        return gap;
    }

    @SuppressWarnings("unchecked")
    private static String gapSentence(Map<String, Object> gap) {
        Map<String, Object> one = (Map<String, Object>) gap.get("student_1_step");
        Map<String, Object> two = (Map<String, Object>) gap.get("student_2_steps");
        return String.format(Locale.ROOT, "At w %s the student's FD is %.2f× the teacher's at the same w (16 steps) in one "
                + "step and %.2f× in two; against the teacher's best (w %s, FD %.3f) it is %.2f× and %.2f×.",
                scaleText((Double) gap.get("w")), one.get("to_teacher_at_w"), two.get("to_teacher_at_w"),
                scaleText((Double) gap.get("teacher_best_w")), gap.get("teacher_best_fd"), one.get("to_teacher_best"),
                two.get("to_teacher_best"));
    }

    /** One training stage's run, given its config, its directory and whether it resumes. */
    @FunctionalInterface
    private interface Training<C> {
        TrainLoop.Outcome run(C config, RunDirectory dir, boolean resume, NDManager manager);
    }

    /**
     * A training stage in {@code root/stage}: skipped when its model exists, resumed (with its saved config) when
     * it holds a checkpoint, else started with the preset's config and the dataset's overrides.
     */
    private static <C> Path train(Setup s, NDManager root, String stage, Class<C> type, List<String> sets,
            Training<C> training) {
        RunDirectory dir = new RunDirectory(s.root().resolve(stage));
        boolean resume = dir.hasCheckpoint();
        if (!resume && dir.holdsRun() && !Files.exists(dir.model())) {
            // An attempt stopped before its first checkpoint: nothing in it can be resumed, and the stage's
            // directory is the pipeline's own, so it starts over rather than being refused as a run.
            System.out.println("== " + stage + ": the last attempt stopped before its first checkpoint; starting over");
            Trees.delete(dir.root());
        }
        stage(stage, dir.model(), () -> sub(root, m -> {
            C cfg = resume ? Configs.load(dir.config(), type) : Configs.load(s.configs().get(stageConfig(stage)), type, sets);
            TrainLoop.Outcome out = training.run(cfg, dir, resume, m);
            if (!out.finished()) {
                throw new RunFailure("the " + stage + " stage stopped at step " + out.lastStep());
            }
        }));
        return dir.model();
    }

    private static String stageConfig(String stage) {
        return stage.equals("student") ? "distill" : stage;
    }

    /** Runs {@code body} in a sub-manager of {@code root}, so that a stage's arrays go with it. */
    private static void sub(NDManager root, java.util.function.Consumer<NDManager> body) {
        try (NDManager m = root.newSubManager()) {
            body.accept(m);
        }
    }

    /** Runs {@code body} unless {@code output} exists; a failure stops the pipeline, with the stage named. */
    private static void stage(String what, Path output, Runnable body) {
        if (Files.exists(output)) {
            System.out.println("== " + what + ": done (" + output + ")");
            return;
        }
        System.out.println("== " + what);
        long t0 = System.nanoTime();
        try {
            body.run();
        } catch (RuntimeException e) {
            System.out.println("== " + what + ": stopped; fix the cause and run the same command again to continue");
            throw e;
        }
        if (!Files.exists(output)) {
            throw new RunFailure("the " + what + " stage ended without writing " + output + "; run the same command again "
                    + "to continue it");
        }
        System.out.printf(Locale.ROOT, "== %s: %.0f s%n", what, (System.nanoTime() - t0) / 1e9);
    }

    /** pipeline.json: the dataset this pipeline belongs to; a rerun on another dataset is refused. */
    private static void record(Setup s) {
        Path file = s.root().resolve("pipeline.json");
        try {
            Files.createDirectories(s.root());
            if (Files.exists(file)) {
                JsonNode json = Json.JSON.readTree(file.toFile());
                if (!s.set().fingerprint().equals(json.path("dataset").asText())) {
                    throw new IllegalArgumentException(s.root() + " is a pipeline of dataset " + json.path("dataset")
                            .asText() + " (" + json.path("source").asText() + "), but --data " + s.data() + " is dataset "
                            + s.set().fingerprint() + "; choose another --name");
                }
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", s.set().source());
        json.put("dataset", s.set().fingerprint());
        json.put("preset", s.preset());
        json.put("class_names", s.set().classNames());
        RunDirectory.writeAtomically(file, Json.write(json));
    }
}
