package org.tbcm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.RunFailure;
import org.tbcm4j.util.Trees;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tbcm pipeline}: from a dataset to a distilled one-step student and its report, one stage after
 * another as the separate commands would run them (autoencoder → classifier → reference features → blank
 * latent and filter calibration → teacher → TBCM → report). A stage whose output exists is skipped and an
 * interrupted training stage resumes from its checkpoint, so the same command continues a stopped pipeline.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Dataset → autoencoder → classifier → reference features → filter calibration → teacher → TBCM "
                + "student → report, in <runs>/<name>; rerun the same command to continue after an interruption.")
public final class PipelineCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Dataset: IDX files or an image folder (DIR/<class>/*.png, "
            + "optionally under train/ and test/).")
    Path data;

    @Option(names = "--preset", defaultValue = "quick", description = "quick (well under an hour on 2 cores for 10,000 "
            + "28×28 images), full (the shipped models' configs, hours), or a directory holding autoencoder.yaml, "
            + "classifier.yaml, teacher.yaml and distill.yaml (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--runs", defaultValue = "runs", description = "Directory of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--name", description = "The pipeline's directory under --runs (default: pipeline-<dataset folder>).")
    String name;

    @Option(names = "--report-samples", defaultValue = "1000",
            description = "Samples per generator in the report (default: ${DEFAULT-VALUE}).")
    int reportSamples;

    private Path root;

    @Override
    public Integer call() throws IOException {
        Dataset set = Datasets.open(data);
        Map<String, Path> configs = presetConfigs();
        String runName = RunDirectory.checkName(name != null ? name : "pipeline-" + safe(data), "--name");
        root = runs.resolve(runName);
        Files.createDirectories(root);
        recordPipeline(set);
        System.out.printf(Locale.ROOT, "pipeline %s: %s, %d classes (%s), %d×%d×%d, %d training images; preset %s%n",
                root, set.source(), set.numClasses(), String.join(", ", set.classNames()), set.size(), set.size(),
                set.channels(), set.train().size(), preset);
        String dataArg = data.toString();
        String size = String.valueOf(set.size());
        String channels = String.valueOf(set.channels());
        String classes = String.valueOf(set.numClasses());

        Path ae = train("autoencoder", "train-autoencoder", configs.get("autoencoder"), dataArg,
                List.of("model.image_size=" + size, "model.image_channels=" + channels));
        Path classifier = train("classifier", "train-classifier", configs.get("classifier"), dataArg,
                List.of("model.image_size=" + size, "model.image_channels=" + channels, "model.num_classes=" + classes));
        Path reference = root.resolve("reference-features.safetensors");
        stage("reference features", reference, "reference-features", "--classifier", classifier.toString(),
                "--data", dataArg, "--out", reference.toString());
        Path blank = root.resolve("blank-latent.safetensors");
        Path calibration = root.resolve("filter-calibration.json");
        stage("blank latent and filter calibration", calibration, "blank-latent", "--autoencoder", ae.toString(),
                "--out", blank.toString(), "--calibrate", "--calibration-out", calibration.toString(), "--data", dataArg);
        double threshold = Json.JSON.readTree(calibration.toFile()).path("threshold").asDouble(Double.NaN);
        if (!(threshold >= 0) || !Double.isFinite(threshold)) {
            throw new RunFailure(calibration + ": no finite threshold; delete it to recalibrate");
        }
        // a real image at the blank latent leaves no threshold that spares every class: no filter then
        String filter = threshold > 0 ? "filter.threshold=" + threshold : "filter.enabled=false";
        if (threshold == 0) {
            System.out.println("== the filter is off: some real test image encodes to the blank latent itself");
        }
        int latentEdge = set.size() / 4;
        Path teacher = train("teacher", "train-teacher", configs.get("teacher"), dataArg,
                List.of("autoencoder=" + ae, "model.image_size=" + latentEdge, "model.num_classes=" + classes,
                        // a latent of more than 12×12 is cut into 2×2 patches, as DiT does for larger latents
                        "model.patch_size=" + (latentEdge > 12 && latentEdge % 2 == 0 ? 2 : 1)));
        Path student = train("student", "distill", configs.get("distill"), dataArg,
                List.of("teacher=" + teacher, "filter.reference=" + blank, filter,
                        "data_pairs.autoencoder=" + ae, "evaluation.autoencoder=" + ae,
                        "evaluation.classifier=" + classifier, "evaluation.reference=" + reference));
        Path report = root.resolve("report");
        stage("report", report.resolve("index.html"), "report", "--teacher", teacher.toString(),
                "--teacher-setting", "16:3", "--student", "tbcm=" + student, "--classifier", classifier.toString(),
                "--reference", reference.toString(), "--samples", String.valueOf(reportSamples),
                "--title", "tbcm4j pipeline: " + set.source(), "--out", report.toString());
        System.out.println("pipeline done: student " + student + ", report " + report.resolve("index.html"));
        return 0;
    }

    /** The preset's four configs: the shipped ones (full), configs/pipeline/quick, or a directory of them. */
    private Map<String, Path> presetConfigs() {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String stage : List.of("autoencoder", "classifier", "teacher", "distill")) {
            Path file = switch (preset) {
                case "full" -> Home.resolve("configs/" + stage + ".yaml");
                case "quick" -> Home.resolve("configs/pipeline/quick/" + stage + ".yaml");
                default -> Path.of(preset).resolve(stage + ".yaml");
            };
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--preset " + preset + ": " + file + " does not exist (presets: quick, "
                        + "full, or a directory holding autoencoder.yaml, classifier.yaml, teacher.yaml, distill.yaml)");
            }
            out.put(stage, file);
        }
        return out;
    }

    /**
     * A training stage in {@code root/stage}: skipped when its model exists, resumed when it holds a
     * checkpoint, else started with the preset's config and the dataset's overrides.
     */
    private Path train(String stage, String command, Path config, String dataArg, List<String> sets) {
        RunDirectory dir = new RunDirectory(root.resolve(stage));
        List<String> args = new ArrayList<>(List.of(command, "--config", config.toString(), "--runs", root.toString(),
                "--name", stage, "--data", dataArg));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        if (dir.hasCheckpoint()) {
            args.add("--resume");
        } else if (dir.holdsRun() && !Files.exists(dir.model())) {
            // An attempt stopped before its first checkpoint: nothing in it can be resumed, and the stage's
            // directory is the pipeline's own, so it starts over rather than being refused as a run.
            System.out.println("== " + stage + ": the last attempt stopped before its first checkpoint; starting over");
            Trees.delete(dir.root());
        }
        stage(stage, dir.model(), args.toArray(String[]::new));
        return dir.model();
    }

    /** Runs {@code args} as tbcm would, unless {@code output} exists; a failure stops the pipeline. */
    private static void stage(String what, Path output, String... args) {
        if (Files.exists(output)) {
            System.out.println("== " + what + ": done (" + output + ")");
            return;
        }
        System.out.println("== " + what + ": tbcm " + String.join(" ", args));
        long t0 = System.nanoTime();
        int code = Main.run(args);
        if (code != 0) {
            throw new RunFailure("the pipeline stopped at its " + what + " stage (exit code " + code + "); fix the cause and "
                    + "run the same command again to continue");
        }
        if (!Files.exists(output)) {
            throw new RunFailure("the " + what + " stage ended without writing " + output + "; run the same command again "
                    + "to continue it");
        }
        System.out.printf(Locale.ROOT, "== %s: %.0f s%n", what, (System.nanoTime() - t0) / 1e9);
    }

    /** pipeline.json: the dataset this pipeline belongs to; a rerun on another dataset is refused. */
    private void recordPipeline(Dataset set) throws IOException {
        Path file = root.resolve("pipeline.json");
        if (Files.exists(file)) {
            JsonNode json = Json.JSON.readTree(file.toFile());
            if (!set.fingerprint().equals(json.path("dataset").asText())) {
                throw new IllegalArgumentException(root + " is a pipeline of dataset " + json.path("dataset").asText()
                        + " (" + json.path("source").asText() + "), but --data " + data + " is dataset " + set.fingerprint()
                        + "; choose another --name");
            }
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", set.source());
        json.put("dataset", set.fingerprint());
        json.put("preset", preset);
        json.put("class_names", set.classNames());
        RunDirectory.writeAtomically(file, Json.write(json));
    }

    private static String safe(Path dir) {
        Path file = dir.toAbsolutePath().normalize().getFileName();
        String s = (file == null ? "data" : file.toString()).replaceAll("[^A-Za-z0-9._-]", "-");
        return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "data" : s.substring(0, Math.min(60, s.length()));
    }
}
