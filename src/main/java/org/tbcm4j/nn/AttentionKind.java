package org.tbcm4j.nn;

/** Which token-mixing kernel an attention layer uses. */
public enum AttentionKind {
    /** softmax(QKᵀ/√d)·V: quadratic in tokens, cheap for 7×7 latents. */
    SOFTMAX,
    /** Sana's ReLU-kernel linear attention: linear in tokens. */
    RELU_LINEAR
}
