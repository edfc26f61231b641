package org.tbcm4j.eval;

import org.tbcm4j.util.Rng;

/** Seeded synthetic feature sets for the metric tests. */
final class Samples {
    private Samples() {}

    /** n rows of independent N(mean_k, scale_k²) values. */
    static double[][] gaussian(long seed, int n, double[] mean, double[] scale) {
        Rng rng = Rng.of(seed, "eval-test-samples", 0);
        double[][] rows = new double[n][mean.length];
        for (double[] row : rows) {
            for (int k = 0; k < mean.length; k++) {
                row[k] = mean[k] + scale[k] * rng.gaussian();
            }
        }
        return rows;
    }

    /** n rows of standard normal values in d dimensions, shifted by {@code shift} in every coordinate. */
    static double[][] standard(long seed, int n, int d, double shift) {
        double[] mean = new double[d];
        double[] scale = new double[d];
        java.util.Arrays.fill(mean, shift);
        java.util.Arrays.fill(scale, 1.0);
        return gaussian(seed, n, mean, scale);
    }

    /** Each row multiplied by {@code matrix} (row · matrixᵀ), to give samples a full covariance. */
    static double[][] transformed(double[][] rows, double[][] matrix) {
        double[][] out = new double[rows.length][matrix.length];
        for (int i = 0; i < rows.length; i++) {
            for (int a = 0; a < matrix.length; a++) {
                double s = 0;
                for (int k = 0; k < rows[i].length; k++) {
                    s += matrix[a][k] * rows[i][k];
                }
                out[i][a] = s;
            }
        }
        return out;
    }
}
