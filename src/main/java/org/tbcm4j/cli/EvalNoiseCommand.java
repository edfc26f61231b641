package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.experiment.EvaluationNoise;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tbcm eval-noise}: FD's spread over evaluation-noise seeds for one fixed generator, at several sample counts. */
@Command(name = "eval-noise", mixinStandardHelpOptions = true,
        description = "Score one fixed generator on several evaluation-noise seeds at several sample counts: how much "
                + "FD moves with the evaluation noise alone (to choose an experiment's evaluation size).")
public final class EvalNoiseCommand implements Callable<Integer> {
    @Mixin
    GenerationOptions generation;

    @Option(names = "--sample-counts", split = ",", defaultValue = "1000,5000,10000",
            description = "Sample counts (default: ${DEFAULT-VALUE}).")
    int[] sampleCounts;

    @Option(names = "--noise-seeds", defaultValue = "10",
            description = "Noise seeds --seed, --seed+1, ... (default: ${DEFAULT-VALUE}).")
    int noiseSeeds;

    @Mixin
    ScorerOptions scoring;

    @Option(names = "--out", description = "Write eval-noise.md and eval-noise.json here.")
    Path out;

    @Override
    public Integer call() {
        if (noiseSeeds < 2 || noiseSeeds > 1000) {
            throw new IllegalArgumentException("--noise-seeds must be in 2..1000, got " + noiseSeeds);
        }
        for (int n : sampleCounts) {
            if (n < 20 || n > 100_000) {
                throw new IllegalArgumentException("--sample-counts must be in 20..100000, got " + n);
            }
        }
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < noiseSeeds; i++) {
            seeds.add(generation.seed + i);
        }
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(generation.autoencoderPath(), root);
            List<EvaluationNoise.Row> rows = EvaluationNoise.measure(generation.generator(ae, root), ae,
                    scoring.load(generation.modelPath(), root), sampleCounts, seeds, root);
            String table = EvaluationNoise.markdown(rows, sampleCounts);
            System.out.print(table);
            if (out != null) {
                Files.createDirectories(out);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("model", generation.model);
                json.put("steps", generation.steps);
                json.put("cfg", generation.cfg);
                json.put("rows", EvaluationNoise.json(rows));
                RunDirectory.writeAtomically(out.resolve("eval-noise.md"), table);
                RunDirectory.writeAtomically(out.resolve("eval-noise.json"), Json.write(json));
                System.out.println("wrote " + out.resolve("eval-noise.md") + " and .json");
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot write " + out + ": " + e.getMessage());
        }
        return 0;
    }
}
