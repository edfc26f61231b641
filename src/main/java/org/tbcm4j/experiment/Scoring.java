package org.tbcm4j.experiment;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.eval.Fingerprint;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.Metrics;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.util.Home;

/** A plan's evaluation models, loaded once, and the scoring of one generator into a result row. */
final class Scoring {
    private static final int BATCH = 250;

    private final Plan.Evaluation evaluation;
    private final Autoencoder autoencoder;
    private final Classifier classifier;
    private final float[][] reference;

    Scoring(Plan.Evaluation evaluation, NDManager root) {
        this.evaluation = evaluation;
        this.autoencoder = ModelFiles.autoencoder(Home.resolve(evaluation.autoencoder()), root);
        this.classifier = ModelFiles.classifier(Home.resolve(evaluation.classifier()), root);
        this.reference = ReferenceFeatures.load(Home.resolve(evaluation.reference()), Fingerprint.of(classifier), root);
    }

    Autoencoder autoencoder() {
        return autoencoder;
    }

    /** FD, KID, precision, recall and class accuracy of the plan's samples from {@code generator}. */
    Map<String, Object> score(LatentGenerator generator, int samples, long seed, NDManager root) {
        GeneratedSet set = GeneratedSet.generate(generator, autoencoder, classifier, samples,
                classifier.config().numClasses(), seed, BATCH, autoencoder.latentShape(), root);
        Metrics m = set.score(reference, seed);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("fd", m.fd());
        row.put("kid", m.kid());
        row.put("precision", m.precision());
        row.put("recall", m.recall());
        row.put("class_accuracy", m.classAccuracy());
        row.put("network_evaluations_per_sample", generator.evaluationsPerSample());
        return row;
    }

    Map<String, Object> score(LatentGenerator generator, NDManager root) {
        return score(generator, evaluation.samples(), evaluation.seed(), root);
    }
}
