package org.tbcm4j.eval;

import org.tbcm4j.checkpoint.Fingerprint;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;

/**
 * The evaluation classifier and its features of the real test split, checked to belong together: what every
 * generated set is scored against, whichever command asks.
 */
public final class Scorer {
    /** Samples decoded and featurised at once: bounds the native memory of one scoring pass. */
    public static final int BATCH = 250;

    private final Classifier classifier;
    private final float[][] reference;

    public Scorer(Classifier classifier, float[][] reference) {
        this.classifier = classifier;
        this.reference = reference;
    }

    /** Loads both files; the reference must carry the classifier's fingerprint. */
    public static Scorer load(Path classifierFile, Path referenceFile, NDManager root) {
        Classifier cls = ModelFiles.classifier(classifierFile, root);
        return new Scorer(cls, ReferenceFeatures.load(referenceFile, Fingerprint.of(cls), root));
    }

    public Classifier classifier() {
        return classifier;
    }

    public float[][] reference() {
        return reference;
    }

    /** {@code samples} samples of {@code generator}, balanced over classes, decoded and featurised. */
    public GeneratedSet generate(LatentGenerator generator, Autoencoder ae, int samples, long seed, int batch,
            NDManager root) {
        org.tbcm4j.model.ClassifierConfig c = classifier.config();
        if (c.imageSize() != ae.config().imageSize() || c.imageChannels() != ae.config().imageChannels()) {
            throw new IllegalArgumentException("the classifier takes " + c.imageSize() + "×" + c.imageSize() + "×"
                    + c.imageChannels() + " images but the autoencoder makes " + ae.config().imageSize() + "×"
                    + ae.config().imageSize() + "×" + ae.config().imageChannels() + "; pass the classifier of this dataset");
        }
        if (c.numClasses() != generator.numClasses()) {
            throw new IllegalArgumentException("the classifier knows " + c.numClasses() + " classes but the generator "
                    + generator.numClasses() + "; pass the classifier of this dataset");
        }
        return GeneratedSet.generate(generator, ae, classifier, samples, classifier.config().numClasses(), seed, batch,
                ae.latentShape(), root);
    }

    public GeneratedSet generate(LatentGenerator generator, Autoencoder ae, int samples, long seed, NDManager root) {
        return generate(generator, ae, samples, seed, BATCH, root);
    }

    /** Every metric of {@code set}; {@code seed} fixes KID's subsets. */
    public Metrics score(GeneratedSet set, long seed) {
        return set.score(reference, seed);
    }
}
