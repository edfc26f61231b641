package org.tbcm4j.nn;

/** y = x·Wᵀ + b over the last axis, W of shape [out, in]. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    /** PyTorch's default initialisation. */
    public Linear(long in, long out, boolean withBias) {
        this(in, out, withBias, Init.fanInUniform(in), Init.fanInUniform(in));
    }

    public Linear(long in, long out, boolean withBias, Init weightInit, Init biasInit) {
        weight = parameter("weight", weightInit, out, in);
        bias = withBias ? parameter("bias", biasInit, out) : null;
    }

    /** Xavier-uniform weights and zero bias (DiT's convention). */
    public static Linear xavier(long in, long out) {
        return new Linear(in, out, true, Init.xavierUniform(), Init.zeros());
    }

    /** All-zero weights and bias: the layer outputs 0 until trained (adaLN-zero gates, output heads). */
    public static Linear zero(long in, long out) {
        return new Linear(in, out, true, Init.zeros(), Init.zeros());
    }

    public Dual forward(Dual x) {
        return LinearOps.linear(x, weight.array(), bias == null ? null : bias.array());
    }
}
