package org.tbcm4j.nn;

/** LayerNorm over the last axis, with or without a learned affine transform. */
public final class LayerNorm extends Module {
    private final Parameter gamma;
    private final Parameter beta;
    private final double eps;

    public LayerNorm(long dim, boolean affine, double eps) {
        this.gamma = affine ? parameter("weight", Init.ones(), dim) : null;
        this.beta = affine ? parameter("bias", Init.zeros(), dim) : null;
        this.eps = eps;
    }

    public Dual forward(Dual x) {
        return Norms.layerNorm(x, gamma == null ? null : gamma.array(), beta == null ? null : beta.array(), eps);
    }
}
