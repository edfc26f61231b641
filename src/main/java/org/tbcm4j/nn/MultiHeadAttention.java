package org.tbcm4j.nn;

import java.util.List;

/**
 * Multi-head self-attention over [batch, tokens, dim], with optional RMS-normalised queries and
 * keys (per head) and either the softmax or the ReLU linear kernel.
 */
public final class MultiHeadAttention extends Module {
    /** Sana's denominator guard for the linear kernel. */
    private static final double LINEAR_EPS = 1e-15;

    private final Linear qkv;
    private final Linear proj;
    private final RmsNorm qNorm;
    private final RmsNorm kNorm;
    private final int heads;
    private final long headDim;
    private final AttentionKind kind;

    public MultiHeadAttention(long dim, int heads, AttentionKind kind, boolean qkNorm) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.headDim = dim / heads;
        this.kind = kind;
        this.qkv = child("qkv", Linear.xavier(dim, 3 * dim));
        this.qNorm = qkNorm ? child("q_norm", new RmsNorm(headDim, 1e-6)) : null;
        this.kNorm = qkNorm ? child("k_norm", new RmsNorm(headDim, 1e-6)) : null;
        this.proj = child("proj", Linear.xavier(dim, dim));
    }

    public Dual forward(Dual x) {
        long b = x.shape().get(0);
        long n = x.shape().get(1);
        // [B, N, 3, heads, d] → [3, B, heads, N, d], then one [B, heads, N, d] each for q, k, v.
        Dual packed = ShapeOps.transpose(ShapeOps.reshape(qkv.forward(x), b, n, 3, heads, headDim), 2, 0, 3, 1, 4);
        List<Dual> parts = ShapeOps.split(packed, 3, 0);
        Dual q = ShapeOps.reshape(parts.get(0), b, heads, n, headDim);
        Dual k = ShapeOps.reshape(parts.get(1), b, heads, n, headDim);
        Dual v = ShapeOps.reshape(parts.get(2), b, heads, n, headDim);
        if (qNorm != null) {
            q = qNorm.forward(q);
            k = kNorm.forward(k);
        }
        Dual mixed = kind == AttentionKind.SOFTMAX
                ? AttentionOps.softmaxAttention(q, k, v, 1.0 / Math.sqrt(headDim))
                : AttentionOps.reluLinearAttention(q, k, v, LINEAR_EPS);
        Dual merged = ShapeOps.reshape(ShapeOps.transpose(mixed, 0, 2, 1, 3), b, n, heads * headDim);
        return proj.forward(merged);
    }
}
