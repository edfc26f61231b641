package org.tbcm4j.experiment;

import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean, standard deviation and a two-sided 95 % confidence interval of a metric over seeds (Student's t
 * with n − 1 degrees of freedom), and the same for paired differences over shared seeds.
 *
 * @param n values
 * @param sd sample standard deviation (n − 1 in the denominator); NaN for one value
 * @param low lower end of the 95 % interval of the mean (NaN below two values)
 */
public record Statistics(int n, double mean, double sd, double low, double high) {
    private static final double LEVEL = 0.95;

    /** The statistics of {@code values} (finite numbers; at least one). */
    public static Statistics of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n == 1) {
            return new Statistics(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(squares / (n - 1));
        double half = tQuantile(n - 1) * sd / Math.sqrt(n);
        return new Statistics(n, mean, sd, mean - half, mean + half);
    }


    /** The 97.5 % quantile of Student's t with {@code df} degrees of freedom (12.706 for 1, 2.776 for 4). */
    static double tQuantile(int df) {
        return new TDistribution(null, df).inverseCumulativeProbability(0.5 + LEVEL / 2);
    }

    /** Paired differences a_i − b_i (values of the same seed). */
    public static Statistics paired(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("paired values must have the same length");
        }
        return of(java.util.stream.IntStream.range(0, a.size()).mapToObj(i -> a.get(i) - b.get(i)).toList());
    }

    /**
     * Per-seed ratios a_i / b_i of positive values of the same seed: their geometric mean, and its 95 %
     * interval from Student's t on log(a_i / b_i). A cost ratio (time, memory) is multiplicative and its
     * spread grows with its size, so the interval is taken on the log scale, where it is symmetric.
     */
    public static Ratio pairedRatio(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("paired values must have the same length");
        }
        List<Double> logs = java.util.stream.IntStream.range(0, a.size()).mapToObj(i -> {
            if (!(a.get(i) > 0) || !(b.get(i) > 0)) {
                throw new IllegalArgumentException("a ratio needs positive values: " + a.get(i) + " / " + b.get(i));
            }
            return Math.log(a.get(i) / b.get(i));
        }).toList();
        Statistics s = of(logs);
        return new Ratio(s.n(), Math.exp(s.mean()), Math.exp(s.low()), Math.exp(s.high()));
    }

    /**
     * A paired ratio over seeds: its geometric mean and 95 % interval (NaN below two seeds).
     *
     * @param n shared seeds
     */
    public record Ratio(int n, double geometricMean, double low, double high) {
        /** Whether the interval is defined and excludes 1 (the two arms differ resolvably). */
        public boolean excludesOne() {
            return n > 1 && (low > 1 || high < 1);
        }
    }

    /** Whether the interval is defined and excludes 0. */
    public boolean excludesZero() {
        return n > 1 && (low > 0 || high < 0);
    }
}
