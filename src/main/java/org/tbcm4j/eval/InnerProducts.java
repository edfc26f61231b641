package org.tbcm4j.eval;

/**
 * Blocked inner products between the rows of a query matrix and the rows of a target matrix, in
 * plain Java. The targets are stored transposed (one array per feature), so the innermost loop is
 * {@code out[j] += q * column[j]}: unit stride, no loop-carried dependency, which the JIT turns into
 * SIMD code. A scalar dot product would be bound by the latency of its running sum instead.
 *
 * <p>Every product is summed in feature order 0..d-1 and Java never fuses multiply-adds, so
 * {@code x·x} computed here equals {@link #squaredNorms}' value bit for bit: the squared distance of a
 * point to itself comes out as exactly 0.
 */
final class InnerProducts {
    /** Targets per column tile: the tile of d columns (256 KiB at d = 128) stays in L2 across query rows. */
    private static final int TILE = 256;
    /** Query rows that share one pass over a column tile. */
    private static final int ROWS = 4;

    private final double[][] columns;
    private final int count;

    /** Prepares {@code targets} (n × d) for repeated products with query rows. */
    InnerProducts(double[][] targets) {
        int d = FeatureRows.dimension(targets, "targets");
        this.count = targets.length;
        this.columns = new double[d][count];
        for (int j = 0; j < count; j++) {
            for (int k = 0; k < d; k++) {
                columns[k][j] = targets[j][k];
            }
        }
    }

    int targetCount() {
        return count;
    }

    int dimension() {
        return columns.length;
    }

    /** Sets {@code out[r][j] = queries[from + r] · targets[j]} for {@code from <= from + r < to}. */
    void compute(double[][] queries, int from, int to, double[][] out) {
        int d = columns.length;
        for (int j0 = 0; j0 < count; j0 += TILE) {
            int j1 = Math.min(count, j0 + TILE);
            int r = from;
            for (; r + ROWS <= to; r += ROWS) {
                double[] o0 = clear(out[r - from], j0, j1);
                double[] o1 = clear(out[r + 1 - from], j0, j1);
                double[] o2 = clear(out[r + 2 - from], j0, j1);
                double[] o3 = clear(out[r + 3 - from], j0, j1);
                double[] q0 = queries[r];
                double[] q1 = queries[r + 1];
                double[] q2 = queries[r + 2];
                double[] q3 = queries[r + 3];
                for (int k = 0; k < d; k++) {
                    double[] c = columns[k];
                    double s0 = q0[k];
                    double s1 = q1[k];
                    double s2 = q2[k];
                    double s3 = q3[k];
                    for (int j = j0; j < j1; j++) {
                        double cj = c[j];
                        o0[j] += s0 * cj;
                        o1[j] += s1 * cj;
                        o2[j] += s2 * cj;
                        o3[j] += s3 * cj;
                    }
                }
            }
            for (; r < to; r++) {
                double[] o = clear(out[r - from], j0, j1);
                double[] q = queries[r];
                for (int k = 0; k < d; k++) {
                    double[] c = columns[k];
                    double s = q[k];
                    for (int j = j0; j < j1; j++) {
                        o[j] += s * c[j];
                    }
                }
            }
        }
    }

    /** {@code |row|²} for every row, summed in the same order as {@link #compute}. */
    static double[] squaredNorms(double[][] rows) {
        double[] norms = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            double s = 0;
            for (double v : rows[i]) {
                s += v * v;
            }
            norms[i] = s;
        }
        return norms;
    }

    private static double[] clear(double[] row, int from, int to) {
        java.util.Arrays.fill(row, from, to, 0.0);
        return row;
    }
}
