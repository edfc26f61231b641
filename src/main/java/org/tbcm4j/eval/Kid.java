package org.tbcm4j.eval;

import java.util.stream.IntStream;
import org.tbcm4j.util.Rng;

/**
 * KID in classifier features: the kernel distance of Bińkowski et al. (2018), computed on our
 * classifier's features instead of Inception's. It is the unbiased estimate of the squared maximum
 * mean discrepancy (MMD²) under the polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged over random
 * subsets as in the common implementations (torch-fidelity, clean-fid): {@value #DEFAULT_SUBSETS}
 * subsets of min({@value #DEFAULT_MAX_SUBSET_SIZE}, n, m) samples from each set, drawn without
 * replacement. Unlike FD it has no bias in the number of samples; a value can be slightly negative.
 *
 * <p>Per subset of size s, with K the kernel matrices:
 * MMD² = (ΣKxx − tr Kxx) / (s(s−1)) + (ΣKyy − tr Kyy) / (s(s−1)) − 2 ΣKxy / s².
 */
public final class Kid {
    public static final int DEFAULT_SUBSETS = 100;
    public static final int DEFAULT_MAX_SUBSET_SIZE = 1000;

    /**
     * The mean of the per-subset MMD² estimates and their standard deviation (population form, as
     * torch-fidelity reports it); {@code subsetSize} samples were drawn from each set per subset.
     */
    public record Result(double mean, double std, int subsets, int subsetSize) {}

    private Kid() {}

    /** KID with the standard settings; equal seeds give equal results. */
    public static Result compute(double[][] generated, double[][] reference, long seed) {
        return compute(generated, reference, DEFAULT_SUBSETS, DEFAULT_MAX_SUBSET_SIZE, seed);
    }

    /** KID over {@code subsets} subsets of min(maxSubsetSize, n, m) samples; needs at least 2 of each. */
    public static Result compute(double[][] generated, double[][] reference, int subsets, int maxSubsetSize,
            long seed) {
        int d = FeatureRows.commonDimension(generated, "generated", reference, "reference");
        int size = Math.min(maxSubsetSize, Math.min(generated.length, reference.length));
        if (subsets < 1 || size < 2) {
            throw new IllegalArgumentException("KID needs at least 1 subset of at least 2 samples, got "
                    + subsets + " subsets of " + size);
        }
        // One generator per subset: the draws do not depend on which thread runs which subset.
        double[] estimates = IntStream.range(0, subsets).parallel().mapToDouble(s -> {
            Rng rng = Rng.of(seed, "kid-subsets", s);
            double[][] x = subset(generated, size, rng);
            double[][] y = subset(reference, size, rng);
            return unbiasedMmd2(x, y, d);
        }).toArray();

        double mean = 0;
        for (double e : estimates) {
            mean += e;
        }
        mean /= subsets;
        double variance = 0;
        for (double e : estimates) {
            variance += (e - mean) * (e - mean);
        }
        return new Result(mean, Math.sqrt(variance / subsets), subsets, size);
    }

    /** The unbiased MMD² estimate between two equally large samples under the cubic kernel. */
    static double unbiasedMmd2(double[][] x, double[][] y, int d) {
        int s = x.length;
        double offDiagonal = kernelSum(x, x, d, true) + kernelSum(y, y, d, true);
        double cross = kernelSum(x, y, d, false);
        return offDiagonal / ((double) s * (s - 1)) - 2.0 * cross / ((double) s * s);
    }

    /** Σ k(a_i, b_j) over all pairs, or over i ≠ j when {@code skipDiagonal}; row blocks bound memory. */
    private static double kernelSum(double[][] a, double[][] b, int d, boolean skipDiagonal) {
        InnerProducts products = new InnerProducts(b);
        double[][] block = new double[RowBlocks.BLOCK_ROWS][b.length];
        double sum = 0;
        for (int from = 0; from < a.length; from += RowBlocks.BLOCK_ROWS) {
            int to = Math.min(a.length, from + RowBlocks.BLOCK_ROWS);
            products.compute(a, from, to, block);
            for (int i = from; i < to; i++) {
                double[] row = block[i - from];
                for (int j = 0; j < b.length; j++) {
                    if (skipDiagonal && i == j) {
                        continue;
                    }
                    double base = row[j] / d + 1.0;
                    sum += base * base * base;
                }
            }
        }
        return sum;
    }

    /** {@code size} distinct rows of {@code rows}, uniformly at random. */
    private static double[][] subset(double[][] rows, int size, Rng rng) {
        int[] order = rng.permutation(rows.length);
        double[][] chosen = new double[size][];
        for (int i = 0; i < size; i++) {
            chosen[i] = rows[order[i]];
        }
        return chosen;
    }
}
