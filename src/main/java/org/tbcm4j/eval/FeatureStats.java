package org.tbcm4j.eval;

/**
 * Mean vector and covariance matrix of a feature set, in double precision; the covariance is the
 * unbiased estimate (divided by n − 1). The Fréchet distance needs only these, so the statistics of
 * the reference set can be computed once and reused.
 */
public final class FeatureStats {
    private final double[] mean;
    private final double[][] covariance;
    private final int count;

    /**
     * Statistics given directly (for a known Gaussian, say). {@code covariance} must be square, of the
     * mean's dimension and symmetric up to rounding; it is stored exactly symmetrised. {@code count}
     * is the number of samples behind the estimate (informational).
     */
    public FeatureStats(double[] mean, double[][] covariance, int count) {
        int d = mean.length;
        if (d == 0 || covariance.length != d) {
            throw new IllegalArgumentException(
                    "covariance has " + covariance.length + " rows for a mean of dimension " + d);
        }
        double largest = 0;
        for (int i = 0; i < d; i++) {
            if (covariance[i].length != d) {
                throw new IllegalArgumentException("covariance row " + i + " has " + covariance[i].length
                        + " values, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(covariance[i][j])) {
                    throw new IllegalArgumentException("covariance[" + i + "][" + j + "] is " + covariance[i][j]);
                }
                largest = Math.max(largest, Math.abs(covariance[i][j]));
            }
            if (!Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("mean[" + i + "] is " + mean[i]);
            }
        }
        this.mean = mean.clone();
        this.covariance = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (Math.abs(covariance[i][j] - covariance[j][i]) > 1e-9 * largest) {
                    throw new IllegalArgumentException("covariance is not symmetric at (" + i + ", " + j + ")");
                }
                this.covariance[i][j] = 0.5 * (covariance[i][j] + covariance[j][i]);
            }
        }
        this.count = count;
    }

    /** Statistics of the rows of {@code rows} (n × d, n ≥ 2). */
    public static FeatureStats of(double[][] rows) {
        int d = FeatureRows.dimension(rows, "rows");
        int n = rows.length;
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 samples, got " + n);
        }
        double[] mean = new double[d];
        for (double[] row : rows) {
            for (int k = 0; k < d; k++) {
                mean[k] += row[k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= n;
        }
        // Two passes (centre, then multiply) avoid the cancellation of E[xxᵀ] − μμᵀ.
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (double[] row : rows) {
            for (int k = 0; k < d; k++) {
                centred[k] = row[k] - mean[k];
            }
            for (int a = 0; a < d; a++) {
                double ca = centred[a];
                double[] covRow = cov[a];
                for (int b = a; b < d; b++) {
                    covRow[b] += ca * centred[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n - 1;
                cov[b][a] = cov[a][b];
            }
        }
        return new FeatureStats(mean, cov, n);
    }

    /** Statistics of float features (the classifier's output), computed in double precision. */
    public static FeatureStats of(float[][] rows) {
        return of(FeatureRows.toDouble(rows));
    }

    /** A copy of the mean vector. */
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the covariance matrix. */
    public double[][] covariance() {
        double[][] copy = new double[covariance.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = covariance[i].clone();
        }
        return copy;
    }

    /** Number of samples the statistics were estimated from. */
    public int count() {
        return count;
    }

    public int dimension() {
        return mean.length;
    }
}
