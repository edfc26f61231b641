package org.tbcm4j.experiment;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.eval.Metrics;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.util.Home;

/** A plan's evaluation models, loaded once, and the scoring of one generator into a result row. */
final class Scoring {
    private final Plan.Evaluation evaluation;
    private final Autoencoder autoencoder;
    private final Scorer scorer;

    Scoring(Plan.Evaluation evaluation, NDManager root) {
        this.evaluation = evaluation;
        this.autoencoder = ModelFiles.autoencoder(Home.resolve(evaluation.autoencoder()), root);
        this.scorer = Scorer.load(Home.resolve(evaluation.classifier()), Home.resolve(evaluation.reference()), root);
    }

    Autoencoder autoencoder() {
        return autoencoder;
    }

    /** FD, KID, precision, recall and class accuracy of the plan's samples from {@code generator}. */
    Map<String, Object> score(LatentGenerator generator, int samples, long seed, NDManager root) {
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

    Map<String, Object> score(LatentGenerator generator, NDManager root) {
        return score(generator, evaluation.samples(), evaluation.seed(), root);
    }
}
