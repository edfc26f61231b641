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

    /** The scorer for {@code modelFile}'s images: refused when the classifier learned another dataset. */
    Scorer load(java.nio.file.Path modelFile, NDManager root) {
        return load(java.util.List.of(modelFile), root);
    }

    /** The scorer, once each model is known to be of the classifier's dataset (each checked once). */
    Scorer load(java.util.List<java.nio.file.Path> modelFiles, NDManager root) {
        for (java.nio.file.Path modelFile : modelFiles) {
            org.tbcm4j.model.Provenance.requireSameDataset(modelFile, Home.resolve(classifier));
        }
        return Scorer.load(Home.resolve(classifier), Home.resolve(reference), root);
    }
}
