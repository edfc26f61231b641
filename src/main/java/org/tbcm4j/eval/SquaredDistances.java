package org.tbcm4j.eval;

/**
 * Squared Euclidean distances between query rows and target rows, a block of query rows at a time,
 * as {@code |q|² + |t|² − 2 q·t}. Rounding can make that slightly negative for near-equal points, so
 * it is clamped at 0; for equal points it is exactly 0 (see {@link InnerProducts}).
 */
final class SquaredDistances {
    private final double[][] queries;
    private final double[] queryNorms;
    private final double[] targetNorms;
    private final InnerProducts products;

    SquaredDistances(double[][] queries, double[][] targets) {
        FeatureRows.commonDimension(queries, "queries", targets, "targets");
        this.queries = queries;
        this.queryNorms = InnerProducts.squaredNorms(queries);
        this.targetNorms = InnerProducts.squaredNorms(targets);
        this.products = new InnerProducts(targets);
    }

    int queryCount() {
        return queries.length;
    }

    int targetCount() {
        return targetNorms.length;
    }

    /** Sets {@code out[r][j] = |queries[from + r] − targets[j]|²} for {@code from <= from + r < to}. */
    void compute(int from, int to, double[][] out) {
        products.compute(queries, from, to, out);
        for (int i = from; i < to; i++) {
            double[] row = out[i - from];
            double qn = queryNorms[i];
            for (int j = 0; j < targetNorms.length; j++) {
                row[j] = Math.max(0.0, qn + targetNorms[j] - 2.0 * row[j]);
            }
        }
    }
}
