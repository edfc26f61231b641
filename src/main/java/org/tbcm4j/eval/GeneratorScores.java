package org.tbcm4j.eval;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;

/**
 * The evaluation models (decoder, classifier, reference features), loaded once, and the scoring of one
 * generator into a row of FD, KID, precision, recall and class accuracy: the one student and teacher scoring
 * of the experiment runner and bench distill.
 */
public final class GeneratorScores {
    private final Autoencoder autoencoder;
    private final Scorer scorer;

    public GeneratorScores(Path autoencoder, Path classifier, Path reference, NDManager root) {
        this.autoencoder = ModelFiles.autoencoder(autoencoder, root);
        this.scorer = Scorer.load(classifier, reference, root);
    }

    public Autoencoder autoencoder() {
        return autoencoder;
    }

    /** The scores of {@code samples} samples from {@code generator}, balanced over the classes, noise from {@code seed}. */
    public Map<String, Object> score(LatentGenerator generator, int samples, long seed, NDManager root) {
        Metrics m = scorer.score(scorer.generate(generator, autoencoder, samples, seed, root), seed);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("fd", m.fd());
        row.put("kid", m.kid());
        row.put("precision", m.precision());
        row.put("recall", m.recall());
        row.put("class_accuracy", m.classAccuracy());
        row.put("network_evaluations_per_sample", generator.evaluationsPerSample());
        return row;
    }
}
