package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void combinesTheIndividualMetrics() {
        double[][] reference = Samples.standard(1, 400, 8, 0.0);
        double[][] generated = Samples.standard(2, 300, 8, 0.3);
        int[] requested = new int[300];
        int[] predicted = new int[300];
        for (int i = 0; i < 300; i++) {
            requested[i] = i % 10;
            predicted[i] = i % 3 == 0 ? (i + 1) % 10 : i % 10; // every third sample is misclassified
        }
        Metrics metrics = Metrics.compute(generated, predicted, requested, reference, 17);

        Kid.Result kid = Kid.compute(generated, reference, 17);
        PrecisionRecall.Result pr = PrecisionRecall.compute(reference, generated);
        assertEquals(FrechetDistance.between(generated, reference), metrics.fd(), 0.0);
        assertEquals(kid.mean(), metrics.kid(), 0.0);
        assertEquals(kid.std(), metrics.kidStd(), 0.0);
        assertEquals(pr.precision(), metrics.precision(), 0.0);
        assertEquals(pr.recall(), metrics.recall(), 0.0);
        assertEquals(200.0 / 300, metrics.classAccuracy(), 1e-15);
        assertEquals(300, metrics.samples());
        assertTrue(metrics.fd() > 0.3 && metrics.kid() > 0, metrics.toString());
    }

    @Test
    void floatInputsOfTheReferenceItselfGiveAPerfectScore() {
        float[][] reference = new float[200][6];
        float[][] logits = new float[200][10];
        int[] requested = new int[200];
        double[][] values = Samples.standard(3, 200, 6, 1.0);
        for (int i = 0; i < 200; i++) {
            for (int k = 0; k < 6; k++) {
                reference[i][k] = (float) values[i][k];
            }
            requested[i] = i % 10;
            logits[i][i % 10] = 1f;
        }
        Metrics metrics = Metrics.compute(reference, logits, requested, reference, 3);
        assertEquals(0.0, metrics.fd(), 1e-9);
        assertEquals(1.0, metrics.precision(), 0.0);
        assertEquals(1.0, metrics.recall(), 0.0);
        assertEquals(1.0, metrics.classAccuracy(), 0.0);
        assertEquals(200, metrics.samples());
    }
}
