package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.eval.Fingerprint;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Option;

/** How generated samples are scored: how many, and against which classifier and reference; shared by eval commands. */
public final class ScoringOptions {
    @Option(names = "--samples", defaultValue = "2000",
            description = "Samples per evaluated setting, balanced over classes (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--classifier", defaultValue = "models/fashion-mnist/classifier.safetensors",
            description = "Evaluation classifier (default: ${DEFAULT-VALUE}).")
    String classifier;

    @Option(names = "--reference", defaultValue = "models/fashion-mnist/reference-features.safetensors",
            description = "Its features of the real test split (default: ${DEFAULT-VALUE}).")
    String reference;

    /** The classifier and its reference features, checked to belong together. */
    record Scorer(Classifier classifier, float[][] reference) {}

    Scorer load(NDManager root) {
        if (samples < 20) {
            throw new IllegalArgumentException("--samples must be at least 20, got " + samples);
        }
        Classifier cls = ModelFiles.classifier(Home.resolve(classifier), root);
        return new Scorer(cls, ReferenceFeatures.load(Home.resolve(reference), Fingerprint.of(cls), root));
    }

    /** {@code samples} samples of {@code generator}, decoded and featurised, from the noise of {@code seed}. */
    GeneratedSet generate(LatentGenerator generator, Autoencoder ae, Scorer scorer, long seed, int batch,
            NDManager root) {
        return GeneratedSet.generate(generator, ae, scorer.classifier(), samples, FashionMnist.NUM_CLASSES, seed, batch,
                ae.latentShape(), root);
    }
}
