package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Option;

/** Which classifier and reference features score generated samples; shared by every scoring command. */
public final class ScorerOptions {
    @Option(names = "--classifier", defaultValue = "models/fashion-mnist/classifier.safetensors",
            description = "Evaluation classifier (default: ${DEFAULT-VALUE}).")
    String classifier;

    @Option(names = "--reference", defaultValue = "models/fashion-mnist/reference-features.safetensors",
            description = "Its features of the real test split (default: ${DEFAULT-VALUE}).")
    String reference;

    Scorer load(NDManager root) {
        return Scorer.load(Home.resolve(classifier), Home.resolve(reference), root);
    }
}
