package org.tbcm4j.bench;

import org.tbcm4j.eval.FrechetDistance;
import org.tbcm4j.eval.Kid;
import org.tbcm4j.eval.PrecisionRecall;
import org.tbcm4j.util.Rng;

/** Times FD, KID and precision/recall at evaluation scale on correlated random features. */
public final class MetricsBenchmark {
    /** Seconds per metric. */
    public record Result(int samples, int dimension, double fdSeconds, double kidSeconds, double precisionRecallSeconds) {}

    private MetricsBenchmark() {}

    public static Result run(int samples, int dimension, long seed) {
        double[][] mixing = gaussian(Rng.of(seed, "mixing", 0), dimension, dimension, 1.0 / Math.sqrt(dimension), 0);
        double[][] reference = times(gaussian(Rng.of(seed, "reference", 0), samples, dimension, 1, 0), mixing);
        double[][] generated = times(gaussian(Rng.of(seed, "generated", 0), samples, dimension, 1, 0.1), mixing);
        long t0 = System.nanoTime();
        FrechetDistance.between(generated, reference);
        long t1 = System.nanoTime();
        Kid.compute(generated, reference, seed);
        long t2 = System.nanoTime();
        PrecisionRecall.compute(reference, generated);
        long t3 = System.nanoTime();
        return new Result(samples, dimension, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }

    private static double[][] gaussian(Rng rng, int rows, int cols, double std, double shift) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = shift + std * rng.gaussian();
            }
        }
        return out;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                double v = a[i][k];
                for (int j = 0; j < b[0].length; j++) {
                    out[i][j] += v * b[k][j];
                }
            }
        }
        return out;
    }
}
