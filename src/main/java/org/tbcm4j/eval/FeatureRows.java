package org.tbcm4j.eval;

/**
 * Feature matrices as the metrics take them: one sample per row, all rows of the same length. The
 * metrics work in double precision; {@link #toDouble} converts the classifier's float output once.
 */
public final class FeatureRows {
    private FeatureRows() {}

    /** A double-precision copy of {@code rows}, checked to be a non-empty rectangular matrix. */
    public static double[][] toDouble(float[][] rows) {
        requireNonEmpty(rows == null ? 0 : rows.length, "rows");
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int k = 0; k < rows[i].length; k++) {
                out[i][k] = rows[i][k];
            }
        }
        dimension(out, "rows");
        return out;
    }

    /**
     * The common row length of {@code rows}; fails on an empty, ragged or zero-width matrix and on
     * non-finite values, which would otherwise turn every metric into NaN or a silent 0.
     */
    static int dimension(double[][] rows, String name) {
        requireNonEmpty(rows == null ? 0 : rows.length, name);
        int d = rows[0].length;
        if (d == 0) {
            throw new IllegalArgumentException(name + " has rows of length 0");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException(
                        name + " is ragged: row 0 has " + d + " values, row " + i + " has " + rows[i].length);
            }
            for (int k = 0; k < d; k++) {
                if (!Double.isFinite(rows[i][k])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + k + "] is " + rows[i][k]);
                }
            }
        }
        return d;
    }

    /** The common dimension of two feature sets that are to be compared. */
    static int commonDimension(double[][] a, String aName, double[][] b, String bName) {
        int da = dimension(a, aName);
        int db = dimension(b, bName);
        if (da != db) {
            throw new IllegalArgumentException(aName + " has dimension " + da + " but " + bName + " has " + db);
        }
        return da;
    }

    private static void requireNonEmpty(int length, String name) {
        if (length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
    }
}
