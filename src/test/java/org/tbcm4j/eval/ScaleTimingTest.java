package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Times the metrics at evaluation scale: 10,000 generated against 10,000 reference samples of 128-d
 * features. Too slow for the default suite, so it runs only on request:
 * {@code mvn -B -q test -Dtest=ScaleTimingTest -Dtbcm4j.evalTiming=true}.
 */
@EnabledIfSystemProperty(named = "tbcm4j.evalTiming", matches = "true")
class ScaleTimingTest {
    private static final int N = 10_000;
    private static final int D = 128;

    @Test
    void tenThousandByTenThousandIn128Dimensions() {
        // Correlated features of unit scale: a random mixing matrix with N(0, 1/d) entries.
        double[][] mixing = Samples.standard(2, D, D, 0.0);
        for (double[] row : mixing) {
            for (int k = 0; k < D; k++) {
                row[k] /= Math.sqrt(D);
            }
        }
        double[][] reference = Samples.transformed(Samples.standard(1, N, D, 0.0), mixing);
        double[][] generated = Samples.transformed(Samples.standard(3, N, D, 0.1), mixing);
        int cores = Runtime.getRuntime().availableProcessors();

        long start = System.nanoTime();
        PrecisionRecall.Result pr = PrecisionRecall.compute(reference, generated);
        double prSeconds = seconds(start);

        start = System.nanoTime();
        Kid.Result kid = Kid.compute(generated, reference, 0);
        double kidSeconds = seconds(start);

        start = System.nanoTime();
        double fd = FrechetDistance.between(generated, reference);
        double fdSeconds = seconds(start);

        System.out.printf("eval timing (%d × %d, d = %d, %d cores): precision/recall %.2f s %s; "
                + "KID %.2f s %s; FD %.2f s (%.4g)%n", N, N, D, cores, prSeconds, pr, kidSeconds, kid, fdSeconds, fd);
        assertTrue(prSeconds < 60 && kidSeconds < 60 && fdSeconds < 60);
        assertTrue(pr.precision() > 0 && pr.recall() > 0 && kid.mean() > 0 && fd > 0);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
