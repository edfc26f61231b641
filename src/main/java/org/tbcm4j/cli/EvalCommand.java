package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.Metrics;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tbcm eval}: sample quality against the real test split, in the evaluation classifier's features. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure FD, KID, precision/recall (k = 3) and class accuracy of generated samples against the "
                + "Fashion-MNIST test split, in the evaluation classifier's features.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    GenerationOptions generation;

    @Mixin
    ScoringOptions scoring;

    @Option(names = "--json", description = "Also print one JSON object as the last line of standard output.")
    boolean json;

    @Override
    public Integer call() {
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(generation.autoencoderPath(), root);
            Scorer scorer = scoring.load(generation.modelPath(), root);
            LatentGenerator generator = generation.generator(ae, root);
            GeneratedSet set = scorer.generate(generator, ae, scoring.samples, generation.seed, generation.batch, root);
            Metrics m = scorer.score(set, generation.seed);
            print(generator, set, m);
            if (json) {
                System.out.println(Json.write(m.toJson(generator, set.seconds(), generation.steps, generation.cfg)));
            }
        }
        return 0;
    }

    private void print(LatentGenerator generator, GeneratedSet set, Metrics m) {
        System.out.printf(Locale.ROOT, "model: %s (%s)%n", generation.modelPath(), generator.describe());
        System.out.printf(Locale.ROOT, "samples: %d (seed %d); generation %.1f s, %.1f samples/s, %d network "
                        + "evaluations per sample%n", m.samples(), generation.seed, set.seconds(), m.samples() / set.seconds(),
                generator.evaluationsPerSample());
        System.out.printf(Locale.ROOT, "%-30s %s%n", "metric", "value");
        System.out.printf(Locale.ROOT, "%-30s %.4f%n", "FD (classifier features)", m.fd());
        System.out.printf(Locale.ROOT, "%-30s %.5f ± %.5f%n", "KID (classifier features)", m.kid(), m.kidStd());
        System.out.printf(Locale.ROOT, "%-30s %.4f%n", "precision (k = 3)", m.precision());
        System.out.printf(Locale.ROOT, "%-30s %.4f%n", "recall (k = 3)", m.recall());
        System.out.printf(Locale.ROOT, "%-30s %.4f%n", "class accuracy", m.classAccuracy());
    }
}
