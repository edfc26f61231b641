package org.tbcm4j.nn;

/** GroupNorm over NCHW with per-channel scale and shift (DJL has no GroupNorm block). */
public final class GroupNorm extends Module {
    private final Parameter gamma;
    private final Parameter beta;
    private final int groups;
    private final double eps;

    public GroupNorm(int groups, long channels, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.gamma = parameter("weight", Init.ones(), channels);
        this.beta = parameter("bias", Init.zeros(), channels);
        this.groups = groups;
        this.eps = eps;
    }

    public Dual forward(Dual x) {
        return Norms.groupNorm(x, groups, gamma.array(), beta.array(), eps);
    }
}
