package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * Softmax and the two attention kernels, composed from primitives whose tangent rules are exact,
 * so the attention tangents are exact by construction (and tested as a whole).
 */
public final class AttentionOps {
    private AttentionOps() {}

    /** Softmax along the last axis; its Jacobian diag(p) − ppᵀ is symmetric, so dP = P ⊙ (dS − Σ P ⊙ dS) is a VJP. */
    public static Dual softmax(Dual s) {
        if (s.hasTangent()) {
            return SymmetricJvp.apply(a -> a.softmax(-1), s.value(), s.tangent());
        }
        return Dual.of(s.value().softmax(-1));
    }

    /** softmax(q·kᵀ·scale)·v for q, k, v of shape [batch, heads, tokens, headDim]. */
    public static Dual softmaxAttention(Dual q, Dual k, Dual v, double scale) {
        Dual scores = Arith.scale(LinearOps.matmul(q, ShapeOps.transpose(k, 0, 1, 3, 2)), scale);
        return LinearOps.matmul(softmax(scores), v);
    }

    /**
     * Sana's linear attention with a ReLU kernel: out_i = φ(q_i)·Σ_j φ(k_j)ᵀv_j / (φ(q_i)·Σ_j φ(k_j) + eps),
     * φ = ReLU; cost linear in the number of tokens.
     */
    public static Dual reluLinearAttention(Dual q, Dual k, Dual v, double eps) {
        Dual fq = Activations.relu(q);
        Dual fk = Activations.relu(k);
        Dual kv = LinearOps.matmul(ShapeOps.transpose(fk, 0, 1, 3, 2), v);
        Dual numerator = LinearOps.matmul(fq, kv);
        Dual kSum = Arith.sum(fk, new int[] {2}, true);
        Dual denominator = Arith.addScalar(Arith.sum(Arith.mul(fq, kSum), new int[] {-1}, true), eps);
        return Arith.div(numerator, denominator);
    }
}
