package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Maps that are linear in each argument: matmul, affine layers, convolution, nearest upsampling.
 * The activation is always the first operand so results land in its (per-step) manager.
 */
public final class LinearOps {
    private LinearOps() {}

    /** y = x·Wᵀ + b over the last axis, W of shape [out, in]; dy = dx·Wᵀ. */
    public static Dual linear(Dual x, NDArray weight, NDArray bias) {
        Shape w = weight.getShape();
        long rows = x.value().size() / w.get(1);
        NDArray v = affine(x.value(), weight, bias);
        FlopCounter.add(2 * rows * w.get(0) * w.get(1));
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        FlopCounter.add(2 * rows * w.get(0) * w.get(1));
        return Dual.of(v, Tangents.rule(() -> affine(x.tangent(), weight, null)));
    }

    /** Batched matrix product over the last two axes; d(ab) = da·b + a·db. */
    public static Dual matmul(Dual a, Dual b) {
        NDArray v = a.value().matMul(b.value());
        long flops = matmulFlops(a.shape(), b.shape());
        FlopCounter.add(flops);
        if (!a.hasTangent() && !b.hasTangent()) {
            return Dual.of(v);
        }
        FlopCounter.add((a.hasTangent() ? flops : 0) + (b.hasTangent() ? flops : 0));
        return Dual.of(v, Tangents.rule(() -> Tangents.add(
                a.hasTangent() ? a.tangent().matMul(b.value()) : null,
                b.hasTangent() ? a.value().matMul(b.tangent()) : null)));
    }

    /** 2-D convolution, NCHW input, weight [out, in/groups, kh, kw]; dy = conv(dx, W) without bias. */
    public static Dual conv2d(Dual x, NDArray weight, NDArray bias, int stride, int padding) {
        Shape stride2 = new Shape(stride, stride);
        Shape pad2 = new Shape(padding, padding);
        Shape dilation = new Shape(1, 1);
        NDArray v = convolve(x.value(), weight, bias, stride2, pad2, dilation);
        Shape ws = weight.getShape();
        Shape ys = v.getShape();
        long flops = 2 * ys.get(0) * ys.get(2) * ys.get(3) * ws.get(0) * ws.get(1) * ws.get(2) * ws.get(3);
        FlopCounter.add(flops);
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        FlopCounter.add(flops);
        NDArray t = Tangents.rule(() -> x.tangent().getNDArrayInternal()
                .convolution(x.tangent(), weight, null, stride2, pad2, dilation, 1).singletonOrThrow());
        return Dual.of(v, t);
    }

    /**
     * libtorch's convolution; in grad mode, output channels padded with zero filters to a multiple of
     * {@link #OUT_CHANNEL_BLOCK} and cut off again. oneDNN 3.7.1 (libtorch's float32 CPU convolution) rounds
     * the output channels up to its block (8 under AVX2, 16 under AVX-512) and, for the input gradient,
     * reorders the weights into a fresh buffer whose padded filters it leaves as they were: stale NaN there
     * (freed memory) gives NaN input gradients (NaN·0), on one thread as on two. The autoencoder's RGB output
     * conv (3 channels) made about 4 runs in 10 skip some of their first steps (ConvPaddingNanTest). With the
     * padding in real zeros, oneDNN has nothing to pad. The forward pass and the weight gradient never read
     * the padded filters, so inference (grad mode off) skips this.
     */
    private static NDArray convolve(NDArray x, NDArray weight, NDArray bias, Shape stride, Shape pad,
            Shape dilation) {
        long out = weight.getShape().get(0);
        long padded = (out + OUT_CHANNEL_BLOCK - 1) / OUT_CHANNEL_BLOCK * OUT_CHANNEL_BLOCK;
        if (padded == out || !paddingNeeded()) {
            return x.getNDArrayInternal().convolution(x, weight, bias, stride, pad, dilation, 1).singletonOrThrow();
        }
        NDManager m = x.getManager();
        Shape ws = weight.getShape();
        NDArray w = Norms.local(weight.concat(m.zeros(new Shape(padded - out, ws.get(1), ws.get(2), ws.get(3)),
                weight.getDataType()), 0), x);
        NDArray b = bias == null ? null
                : Norms.local(bias.concat(m.zeros(new Shape(padded - out), bias.getDataType()), 0), x);
        NDArray y = x.getNDArrayInternal().convolution(x, w, b, stride, pad, dilation, 1).singletonOrThrow();
        NDList parts = y.split(new long[] {out}, 1);
        parts.get(1).close();
        return parts.get(0);
    }

    /** Output channels are padded to this multiple: oneDNN's widest f32 block, so AVX2's 8 is covered too. */
    private static final long OUT_CHANNEL_BLOCK = 16;

    /**
     * Whether a backward may follow. Only the input gradient reads the padded filters, but DJL cannot tell
     * whether an activation needs one (its requiresGrad is false for every non-leaf array).
     */
    private static boolean paddingNeeded() {
        return PADDING_ENABLED && JniUtils.isGradMode();
    }

    /** Off only to show, in a child JVM of ConvPaddingNanTest, that the padding is what keeps gradients finite. */
    private static final boolean PADDING_ENABLED = !Boolean.getBoolean("tbcm4j.test.noConvPadding");

    /** Nearest-neighbour upsampling of NCHW by an integer factor (each pixel copied factor² times). */
    public static Dual upsampleNearest(Dual x, int factor) {
        return Dual.of(upsample(x.value(), factor), x.hasTangent() ? upsample(x.tangent(), factor) : null);
    }

    private static NDArray upsample(NDArray x, int factor) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1)
                .broadcast(new Shape(n, c, h, factor, w, factor))
                .reshape(n, c, h * factor, w * factor);
    }

    private static NDArray affine(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    private static long matmulFlops(Shape a, Shape b) {
        int ra = a.dimension();
        long m = a.get(ra - 2);
        long k = a.get(ra - 1);
        long n = b.get(b.dimension() - 1);
        long batch = Math.max(a.size() / (m * k), b.size() / (k * n));
        return 2 * batch * m * k * n;
    }
}
