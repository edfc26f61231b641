package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import org.tbcm4j.eval.Scorer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How many generated samples are scored, and against what; shared by eval commands. */
public final class ScoringOptions {
    @Option(names = "--samples", defaultValue = "2000",
            description = "Samples per evaluated setting, balanced over classes (default: ${DEFAULT-VALUE}).")
    int samples;

    @Mixin
    ScorerOptions scorer;

    Scorer load(java.nio.file.Path modelFile, NDManager root) {
        if (samples < 20) {
            throw new IllegalArgumentException("--samples must be at least 20, got " + samples);
        }
        return scorer.load(modelFile, root);
    }
}
