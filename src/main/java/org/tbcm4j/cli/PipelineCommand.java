package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.experiment.Pipeline;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tbcm pipeline}: parses, then {@link Pipeline#run} (from a dataset to a distilled one-step student
 * and its report, resuming a stopped pipeline).
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

    @Override
    public Integer call() {
        Dataset set = Datasets.open(data);
        Map<String, Path> configs = presetConfigs();
        String runName = RunDirectory.checkName(name != null ? name : "pipeline-" + safe(data), "--name");
        try (NDManager root = Backend.newManager()) {
            Pipeline.run(new Pipeline.Setup(set, data, configs, runs.resolve(runName), preset, reportSamples), root);
        }
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

    private static String safe(Path dir) {
        Path file = dir.toAbsolutePath().normalize().getFileName();
        String s = (file == null ? "data" : file.toString()).replaceAll("[^A-Za-z0-9._-]", "-");
        return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "data" : s.substring(0, Math.min(60, s.length()));
    }
}
