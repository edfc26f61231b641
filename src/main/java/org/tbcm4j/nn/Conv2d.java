package org.tbcm4j.nn;

/** 2-D convolution over NCHW with square kernels; PyTorch's default initialisation unless given. */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int stride;
    private final int padding;

    public Conv2d(long in, long out, int kernel, int stride, int padding) {
        this(in, out, kernel, stride, padding, Init.fanInUniform(in * kernel * kernel));
    }

    public Conv2d(long in, long out, int kernel, int stride, int padding, Init weightInit) {
        long fanIn = in * kernel * kernel;
        this.weight = parameter("weight", weightInit, out, in, kernel, kernel);
        this.bias = parameter("bias", Init.fanInUniform(fanIn), out);
        this.stride = stride;
        this.padding = padding;
    }

    public Dual forward(Dual x) {
        return LinearOps.conv2d(x, weight.array(), bias.array(), stride, padding);
    }
}
