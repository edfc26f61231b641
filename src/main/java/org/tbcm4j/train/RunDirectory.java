package org.tbcm4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.TempFiles;

/**
 * Where a run writes: {@code runs/<name>/} with {@code config.yaml} (the resolved config),
 * {@code metrics.csv}, {@code checkpoints/last.safetensors} and, at the end, {@code model.safetensors}.
 */
public final class RunDirectory {
    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve("config.yaml");
    }

    public Path metrics() {
        return root.resolve("metrics.csv");
    }

    public Path lastCheckpoint() {
        return root.resolve("checkpoints").resolve("last.safetensors");
    }

    /** The final inference weights (EMA when kept). */
    public Path model() {
        return root.resolve("model.safetensors");
    }

    /** Inference weights kept at a step along training. */
    public Path snapshot(long step) {
        return root.resolve("snapshots").resolve(String.format("step-%07d.safetensors", step));
    }

    public Path file(String name) {
        return root.resolve(name);
    }

    /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters. */
    private static final java.util.regex.Pattern SAFE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /**
     * {@code name} if it is one safe path segment, so that a run stays inside its runs directory: no
     * separator, no "." or "..", no control character, not empty, not over-long. {@code source} says
     * where the name came from (--name, the config's name).
     */
    public static String checkName(String name, String source) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(source + " " + Json.write(String.valueOf(name)) + " is not a run name: use "
                    + "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** Whether the directory holds a run: its config, metrics, a checkpoint or a finished model. */
    public boolean holdsRun() {
        return Files.exists(config()) || Files.exists(metrics()) || Files.exists(lastCheckpoint().getParent())
                || Files.exists(model());
    }

    public boolean hasCheckpoint() {
        return Files.isRegularFile(lastCheckpoint());
    }

    /**
     * Checks that starting or resuming makes sense: a fresh run must not overwrite an existing one, and
     * a resumed run needs a checkpoint. Creates the directory.
     */
    public void prepare(boolean resume) {
        if (resume && !hasCheckpoint()) {
            throw new IllegalArgumentException("nothing to resume: " + lastCheckpoint() + " does not exist");
        }
        if (!resume && hasCheckpoint()) {
            throw new IllegalArgumentException(root + " already holds a run; pass --resume to continue it, "
                    + "or choose another --name");
        }
        try {
            Files.createDirectories(lastCheckpoint().getParent());
            removeStaleTemporaries();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /** Temporary files of writes that an interruption cut short: never renamed into place, safe to delete. */
    private void removeStaleTemporaries() throws IOException {
        for (Path dir : new Path[] {root, lastCheckpoint().getParent(), snapshot(0).getParent()}) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(TempFiles::isTemporary).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Saves the run's resolved config as config.yaml. */
    public void saveConfig(Object config) {
        try {
            writeAtomically(config(), Json.YAML.writeValueAsString(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the run config", e);
        }
    }

    /**
     * Records the dataset a run trains on (dataset.json), or, resuming, checks that it is the one the run
     * started on: a forgotten --data would otherwise continue the run on other images without a word.
     */
    public void recordDataset(org.tbcm4j.data.Dataset data, boolean resume) {
        Path file = file("dataset.json");
        if (resume && Files.exists(file)) {
            String recorded;
            try {
                recorded = Json.JSON.readTree(file.toFile()).path("fingerprint").asText("");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (!recorded.equals(data.fingerprint())) {
                throw new IllegalArgumentException(root + " was started on dataset " + recorded + ", but --data "
                        + data.source() + " is dataset " + data.fingerprint() + "; resume it with the --data it started on");
            }
            return;
        }
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("source", data.source());
        json.put("fingerprint", data.fingerprint());
        json.put("image_size", data.size());
        json.put("image_channels", data.channels());
        json.put("class_names", data.classNames());
        json.put("train_images", data.train().size());
        json.put("test_images", data.test().size());
        writeAtomically(file, Json.write(json));
    }

    /** A run's cost over all its invocations (an interrupted run resumed later). */
    public record Totals(double seconds, long peakResidentBytes) {}

    /**
     * Adds this invocation's wall time and peak memory to the run's totals in summary.json (seconds
     * add up, the peak is the largest; a fresh run starts from zero) and returns the new totals.
     */
    public Totals addToTotals(boolean resume, double seconds, long peakResidentBytes) {
        Path file = file("summary.json");
        double previousSeconds = 0;
        long previousPeak = 0;
        if (resume && Files.exists(file)) {
            try {
                com.fasterxml.jackson.databind.JsonNode json = Json.JSON.readTree(file.toFile());
                previousSeconds = json.path("seconds").asDouble(0);
                previousPeak = json.path("peak_resident_bytes").asLong(0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        Totals totals = new Totals(previousSeconds + seconds, Math.max(previousPeak, peakResidentBytes));
        writeAtomically(file, Json.write(java.util.Map.of("seconds", totals.seconds(),
                "peak_resident_bytes", totals.peakResidentBytes())));
        return totals;
    }

    /** Writes a small text file atomically (temporary file, then rename). */
    public static void writeAtomically(Path file, String text) {
        AtomicFiles.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
