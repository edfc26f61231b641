package org.tbcm4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.model.LatentGenerator;

/**
 * Every evaluation metric of one set of generated samples, all measured in the features of our own
 * Fashion-MNIST classifier against the real test split: FD (Fréchet distance in classifier features),
 * KID in classifier features (mean and standard deviation over subsets), improved precision and recall
 * (k = 3), and class accuracy of the requested classes.
 *
 * @param samples number of generated samples the metrics were computed from
 */
public record Metrics(double fd, double kid, double kidStd, double precision, double recall, double classAccuracy,
        int samples) {

    /**
     * Computes all metrics. Row i of {@code generatedFeatures} and {@code predictedClasses[i]} (the
     * classifier's argmax, see {@link ClassAccuracy#predictedClasses}) belong to the sample generated
     * for class {@code requestedClasses[i]}; {@code referenceFeatures} are the real test images'
     * features. {@code seed} fixes KID's subsets. Costs about three n·m·d multiply-adds for precision and
     * recall plus as much again for KID: seconds for 10,000 × 10,000 samples of 128-d features.
     */
    public static Metrics compute(double[][] generatedFeatures, int[] predictedClasses, int[] requestedClasses,
            double[][] referenceFeatures, long seed) {
        FeatureRows.commonDimension(generatedFeatures, "generated features", referenceFeatures, "reference features");
        if (predictedClasses.length != generatedFeatures.length) {
            throw new IllegalArgumentException(generatedFeatures.length + " generated samples but "
                    + predictedClasses.length + " predicted classes");
        }
        double fd = FrechetDistance.between(generatedFeatures, referenceFeatures);
        Kid.Result kid = Kid.compute(generatedFeatures, referenceFeatures, seed);
        PrecisionRecall.Result pr = PrecisionRecall.compute(referenceFeatures, generatedFeatures);
        double accuracy = ClassAccuracy.of(predictedClasses, requestedClasses);
        return new Metrics(fd, kid.mean(), kid.std(), pr.precision(), pr.recall(), accuracy,
                generatedFeatures.length);
    }

    /** {@link #compute} from the classifier's float features and logits of the generated samples. */
    public static Metrics compute(float[][] generatedFeatures, float[][] generatedLogits, int[] requestedClasses,
            float[][] referenceFeatures, long seed) {
        return compute(FeatureRows.toDouble(generatedFeatures), ClassAccuracy.predictedClasses(generatedLogits),
                requestedClasses, FeatureRows.toDouble(referenceFeatures), seed);
    }

    /**
     * The metrics with what produced them, as one JSON object: the keys of {@code eval --json} and of the
     * demo's metrics.json.
     */
    public Map<String, Object> toJson(LatentGenerator generator, double generationSeconds, int steps, double cfg) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("fd", fd);
        o.put("kid", kid);
        o.put("kid_std", kidStd);
        o.put("precision", precision);
        o.put("recall", recall);
        o.put("class_accuracy", classAccuracy);
        o.put("samples", samples);
        o.put("steps", steps);
        o.put("cfg", cfg);
        o.put("generator", generator.describe());
        o.put("network_evaluations_per_sample", generator.evaluationsPerSample());
        o.put("generation_seconds", generationSeconds);
        return o;
    }
}
