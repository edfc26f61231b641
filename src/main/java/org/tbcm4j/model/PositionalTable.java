package org.tbcm4j.model;

import org.tbcm4j.nn.Init;

/** DiT's fixed 2-D sine-cosine positional table for a square grid of tokens. */
final class PositionalTable {
    private PositionalTable() {}

    /** An initialiser for a [1, grid², dim] table: half the features encode the row, half the column. */
    static Init sinCos2d(int grid, int dim) {
        return (rng, shape) -> {
            double[] table = new double[grid * grid * dim];
            int quarter = dim / 4;
            for (int row = 0; row < grid; row++) {
                for (int col = 0; col < grid; col++) {
                    int base = (row * grid + col) * dim;
                    for (int i = 0; i < quarter; i++) {
                        double omega = 1.0 / Math.pow(10000.0, (double) i / quarter);
                        table[base + i] = Math.sin(row * omega);
                        table[base + quarter + i] = Math.cos(row * omega);
                        table[base + 2 * quarter + i] = Math.sin(col * omega);
                        table[base + 3 * quarter + i] = Math.cos(col * omega);
                    }
                }
            }
            return table;
        };
    }
}
