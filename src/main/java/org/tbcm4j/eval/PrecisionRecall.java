package org.tbcm4j.eval;

/**
 * Improved precision and recall (Kynkäänniemi et al., 2019). Each sample of a set defines a ball
 * around it whose radius is the distance to its k-th nearest neighbour among the other samples of
 * the same set; the union of the balls estimates the set's manifold. Precision is the fraction of
 * generated samples inside the real manifold (are the samples realistic?), recall the fraction of
 * real samples inside the generated manifold (is the real variety covered?). A point on a ball's
 * boundary counts as inside, as in the reference implementation.
 *
 * <p>Distances are computed {@link RowBlocks a block of rows at a time} on all cores: three passes
 * (real–real, generated–generated, real–generated) of n·m·d multiply-adds each, in bounded memory.
 */
public final class PrecisionRecall {
    /** The neighbourhood size of the paper and of its reference implementation. */
    public static final int DEFAULT_K = 3;

    /** Precision and recall, each in [0, 1]. */
    public record Result(double precision, double recall) {}

    private PrecisionRecall() {}

    /** Precision and recall of {@code generated} against {@code real}, with k = {@value #DEFAULT_K}. */
    public static Result compute(double[][] real, double[][] generated) {
        return compute(real, generated, DEFAULT_K);
    }

    /** Precision and recall with neighbourhood size {@code k}; each set needs more than k samples. */
    public static Result compute(double[][] real, double[][] generated, int k) {
        FeatureRows.commonDimension(real, "real", generated, "generated");
        double[] realRadii = squaredKnnRadii(real, k);
        double[] generatedRadii = squaredKnnRadii(generated, k);

        SquaredDistances cross = new SquaredDistances(real, generated);
        int m = generated.length;
        boolean[] realCovered = new boolean[real.length];
        // Several workers mark generated samples; each gets its own flags, merged (OR) afterwards.
        boolean[][] generatedCoveredBy = new boolean[RowBlocks.workers()][m];
        RowBlocks.run(real.length, m, (worker, from, to, block) -> {
            cross.compute(from, to, block);
            boolean[] generatedCovered = generatedCoveredBy[worker];
            for (int i = from; i < to; i++) {
                double[] row = block[i - from];
                double realRadius = realRadii[i];
                boolean covered = false;
                for (int j = 0; j < m; j++) {
                    double dist = row[j];
                    covered |= dist <= generatedRadii[j];
                    generatedCovered[j] |= dist <= realRadius;
                }
                realCovered[i] = covered;
            }
        });
        int precisionHits = 0;
        for (int j = 0; j < m; j++) {
            boolean covered = false;
            for (boolean[] flags : generatedCoveredBy) {
                covered |= flags[j];
            }
            precisionHits += covered ? 1 : 0;
        }
        int recallHits = 0;
        for (boolean covered : realCovered) {
            recallHits += covered ? 1 : 0;
        }
        return new Result((double) precisionHits / m, (double) recallHits / real.length);
    }

    /**
     * For every point, the squared distance to its k-th nearest neighbour among the other points (the
     * point itself is skipped by index, so exact duplicates elsewhere in the set do count).
     */
    static double[] squaredKnnRadii(double[][] points, int k) {
        FeatureRows.dimension(points, "points");
        if (k < 1 || points.length <= k) {
            throw new IllegalArgumentException(
                    "k-nearest-neighbour radii need 1 <= k < number of points, got k = " + k + " for "
                            + points.length + " points");
        }
        int n = points.length;
        double[] radii = new double[n];
        SquaredDistances distances = new SquaredDistances(points, points);
        RowBlocks.run(n, n, (worker, from, to, block) -> {
            distances.compute(from, to, block);
            double[] nearest = new double[k];
            for (int i = from; i < to; i++) {
                radii[i] = kthSmallestExcept(block[i - from], n, i, nearest);
            }
        });
        return radii;
    }

    /** The k-th smallest of {@code row[0..width)} without {@code row[skip]}; k = nearest.length. */
    private static double kthSmallestExcept(double[] row, int width, int skip, double[] nearest) {
        int k = nearest.length;
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int j = 0; j < width; j++) {
            double v = row[j];
            if (j == skip || v >= nearest[k - 1]) {
                continue;
            }
            // Insertion into the sorted list of the k smallest so far (k is tiny).
            int p = k - 1;
            while (p > 0 && nearest[p - 1] > v) {
                nearest[p] = nearest[p - 1];
                p--;
            }
            nearest[p] = v;
        }
        return nearest[k - 1];
    }
}
