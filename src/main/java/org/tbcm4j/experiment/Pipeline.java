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
import org.tbcm4j.eval.Comparison;
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
    /** The report's teacher: 16 DPM-Solver++(2M) steps at the student's guidance. */
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
        Path student = train(s, root, "student", DistillConfig.class,
                List.of("teacher=" + teacher, "filter.reference=" + blank, filter, "data_pairs.autoencoder=" + ae,
                        "evaluation.autoencoder=" + ae, "evaluation.classifier=" + classifier,
                        "evaluation.reference=" + reference),
                (cfg, dir, resume, m) -> Distillation.run(cfg, dir, s.data(), resume, 0, m).loop());
        DistillConfig distill = Configs.load(new RunDirectory(s.root().resolve("student")).config(), DistillConfig.class);
        Path report = s.root().resolve("report");
        stage("report", report.resolve("index.html"), () -> sub(root, m -> report(s, teacher, student, ae, classifier,
                reference, distill.evaluation().guidance(), report, m)));
        System.out.println("pipeline done: student " + student + ", report " + report.resolve("index.html"));
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

    /** The teacher at 16 steps and the student at 1 and 2 steps, at the distillation's evaluation guidance. */
    private static void report(Setup s, Path teacherFile, Path studentFile, Path aeFile, Path classifier,
            Path reference, double w, Path out, NDManager m) {
        Autoencoder ae = ModelFiles.autoencoder(aeFile, m);
        Scorer scorer = Scorer.load(classifier, reference, m);
        DiT teacher = ModelFiles.teacher(teacherFile, m);
        Student student = ModelFiles.student(studentFile, m);
        String wText = java.math.BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
        long seed = 0;
        List<Comparison.Entry> entries = new ArrayList<>(List.of(new Comparison.Entry("teacher-" + REPORT_TEACHER_STEPS
                + "-w" + wText, new TeacherGenerator(teacher, OdeSampler.parse("dpm2m"), REPORT_TEACHER_STEPS, w, 1.0),
                REPORT_TEACHER_STEPS, w)));
        for (int steps : new int[] {1, 2}) {
            entries.add(new Comparison.Entry("tbcm-" + steps, new StudentGenerator(student, steps, 1.0, w, seed), steps, w));
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
        Comparison.Outcome compared = Comparison.run(entries, ae, scorer, s.reportSamples(), seed, out, m);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("samples", s.reportSamples());
        extra.put("seed", seed);
        extra.put("class_names", s.set().classNames());
        Comparison.writePage(compared, out, "index.html", "tbcm4j pipeline: " + s.set().source(),
                String.format(Locale.ROOT, "Every generator starts from the same noise (seed %d, %d samples, balanced "
                        + "classes). Metrics are in the features of the evaluation classifier %s (FD, not FID).", seed,
                        s.reportSamples(), classifier),
                "Rows, top to bottom: " + String.join(", ", s.set().classNames()) + ".", extra, Map.of());
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
