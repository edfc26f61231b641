package org.tbcm4j.nn;

/** RMSNorm over the last axis with a learned scale. */
public final class RmsNorm extends Module {
    private final Parameter gamma;
    private final double eps;

    public RmsNorm(long dim, double eps) {
        this.gamma = parameter("weight", Init.ones(), dim);
        this.eps = eps;
    }

    public Dual forward(Dual x) {
        return Norms.rmsNorm(x, gamma.array(), eps);
    }
}
