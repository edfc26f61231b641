package org.tbcm4j.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Square roots of symmetric positive semidefinite matrices through EJML's symmetric
 * eigendecomposition. Rounding leaves eigenvalues that should be 0 slightly negative; those are
 * clamped to 0, while a clearly negative one means the input was not PSD and is an error.
 */
final class PsdMatrices {
    /** Negative eigenvalues down to this fraction of the largest magnitude count as rounding. */
    private static final double ROUNDING = 1e-8;

    private PsdMatrices() {}

    /** The symmetric PSD square root S of {@code m} (S·S = m): V·diag(√λ)·Vᵀ. */
    static DMatrixRMaj sqrt(DMatrixRMaj m) {
        int d = m.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(m, true);
        double[] roots = clampedRoots(eig, d);
        DMatrixRMaj scaled = new DMatrixRMaj(d, d); // V·diag(√λ)
        DMatrixRMaj v = new DMatrixRMaj(d, d);
        for (int i = 0; i < d; i++) {
            DMatrixRMaj vector = eig.getEigenVector(i);
            for (int r = 0; r < d; r++) {
                v.set(r, i, vector.get(r));
                scaled.set(r, i, vector.get(r) * roots[i]);
            }
        }
        DMatrixRMaj root = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(scaled, v, root);
        return symmetrised(root);
    }

    /** Tr(m^{1/2}) for a symmetric PSD {@code m}: the sum of the square roots of its eigenvalues. */
    static double traceOfSqrt(DMatrixRMaj m) {
        double sum = 0;
        for (double root : clampedRoots(decompose(m, false), m.numRows)) {
            sum += root;
        }
        return sum;
    }

    /** (m + mᵀ) / 2: removes the asymmetry that rounding leaves in a product such as S·A·S. */
    static DMatrixRMaj symmetrised(DMatrixRMaj m) {
        DMatrixRMaj t = CommonOps_DDRM.transpose(m, null);
        DMatrixRMaj sum = new DMatrixRMaj(m.numRows, m.numCols);
        CommonOps_DDRM.add(0.5, m, 0.5, t, sum);
        return sum;
    }

    private static EigenDecomposition_F64<DMatrixRMaj> decompose(DMatrixRMaj m, boolean vectors) {
        if (m.numRows != m.numCols) {
            throw new IllegalArgumentException("not square: " + m.numRows + " × " + m.numCols);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, vectors, true);
        if (!eig.decompose(m.copy())) {
            throw new ArithmeticException("symmetric eigendecomposition did not converge");
        }
        return eig;
    }

    private static double[] clampedRoots(EigenDecomposition_F64<DMatrixRMaj> eig, int d) {
        double[] values = new double[d];
        double largest = 0;
        for (int i = 0; i < d; i++) {
            values[i] = eig.getEigenvalue(i).getReal();
            largest = Math.max(largest, Math.abs(values[i]));
        }
        double[] roots = new double[d];
        for (int i = 0; i < d; i++) {
            if (values[i] < -ROUNDING * largest) {
                throw new IllegalArgumentException(
                        "matrix is not positive semidefinite: eigenvalue " + values[i] + " (largest " + largest + ")");
            }
            roots[i] = Math.sqrt(Math.max(0.0, values[i]));
        }
        return roots;
    }
}
