package org.tbcm4j.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Locale;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Rng;

/**
 * The child JVM of {@link ConvPaddingNanTest}: the autoencoder's RGB output convolution (32 → 3 channels,
 * 3×3, batch 64 at 32×32, after a SiLU) forward and backward, from the first call of the process on, with freed native
 * memory of the size of oneDNN's reordered weights refilled with NaN before each backward (what a previous
 * array may leave there). Prints one line: {@code threads T rounds R nonfinite K error E}, K the rounds with
 * a non-finite gradient, E the largest relative error of the float32 gradients against float64 ones.
 */
public final class ConvPaddingNanChild {
    private static final long IN = 32;
    private static final long OUT = 3;
    private static final int K = 3;

    private ConvPaddingNanChild() {}

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        Backend.start();
        try (NDManager m = Backend.newManager()) {
            NDArray x0 = Tensors.normal(m, Rng.of(7, "x", 0), new Shape(64, IN, 32, 32), DataType.FLOAT32, 1.0);
            NDArray w = Tensors.normal(m, Rng.of(7, "w", 0), new Shape(OUT, IN, K, K), DataType.FLOAT32, 0.1);
            NDArray b = Tensors.normal(m, Rng.of(7, "b", 0), new Shape(OUT), DataType.FLOAT32, 0.1);
            NDArray g = Tensors.normal(m, Rng.of(7, "g", 0), new Shape(64, OUT, 32, 32), DataType.FLOAT32, 1.0);
            // The first float32 backward of the process comes first; the float64 reference after the rounds.
            NDArray[][] rounds32 = new NDArray[rounds][];
            int nonFinite = 0;
            for (int r = 0; r < rounds; r++) {
                rounds32[r] = gradients(x0, w, b, g, DataType.FLOAT32, true);
                boolean finite = true;
                for (NDArray grad : rounds32[r]) {
                    finite &= grad.isNaN().logicalOr(grad.isInfinite()).none().getBoolean();
                }
                nonFinite += finite ? 0 : 1;
            }
            NDArray[] reference = gradients(x0, w, b, g, DataType.FLOAT64, false);
            double error = 0;
            for (NDArray[] grads : rounds32) {
                for (int i = 0; i < grads.length; i++) {
                    double scale = reference[i].abs().max().getDouble();
                    error = Math.max(error, grads[i].toType(DataType.FLOAT64, true).sub(reference[i]).abs().max()
                            .getDouble() / scale);
                }
            }
            System.out.printf(Locale.ROOT, "threads %d rounds %d nonfinite %d error %.3e%n", JniUtils.getNumThreads(),
                    rounds, nonFinite, error);
        }
    }

    /**
     * Gradients of sum(conv(SiLU(x))·g) for x, w and b, in {@code type}; float64 does not go through oneDNN (libtorch
     * uses it for float32 only), so it is an independent reference.
     */
    private static NDArray[] gradients(NDArray x0, NDArray w0, NDArray b0, NDArray g0, DataType type, boolean poison) {
        NDManager m = x0.getManager();
        NDArray x = copy(x0, type);
        NDArray w = copy(w0, type);
        NDArray b = copy(b0, type);
        for (NDArray p : new NDArray[] {x, w, b}) {
            p.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            // an activation, not a leaf, as in the autoencoder (DJL reports no gradient for such arrays)
            Dual h = Activations.silu(Dual.of(x));
            NDArray loss = LinearOps.conv2d(h, w, b, 1, 1).value().mul(copy(g0, type)).sum();
            if (poison) {
                poisonFreedMemory(m);
            }
            gc.backward(loss);
        }
        return new NDArray[] {x.getGradient(), w.getGradient(), b.getGradient()};
    }

    /** A fresh leaf: toType to the same type would return an alias, whose gradient would accumulate. */
    private static NDArray copy(NDArray a, DataType type) {
        return a.getDataType() == type ? a.duplicate() : a.toType(type, true);
    }

    /**
     * Leaves NaN in freed blocks of the sizes oneDNN allocates for the padded weights it reorders for the input
     * gradient (output channels rounded up to 8 under AVX2, 16 under AVX-512), as a previous tensor might.
     */
    private static void poisonFreedMemory(NDManager m) {
        for (long block : new long[] {8, 16}) {
            for (int i = 0; i < 4; i++) {
                m.full(new Shape(block * IN * K * K), Float.NaN, DataType.FLOAT32).close();
            }
        }
    }
}
