package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * A 1-D convolution along a token sequence [B, N, C] with circular padding and a spectrally normalised
 * weight, as the StyleGAN-T-style heads of Sana-Sprint's discriminator use it (a Conv1d over the
 * flattened tokens under torch's SpectralNorm). Output token n is Σ_j W_j·x[(n + j − k/2) mod N] + b.
 * The weight is kept flattened, [out, k·in] in (offset, channel) order, which is the matrix the spectral
 * norm is taken of; σ comes from one power iteration per training forward (u, v are buffers, saved with
 * the weights, so a resumed run continues the same iteration), and from the stored u, v otherwise.
 *
 * <p>Written over NDArray, not {@link Dual}: no forward-mode derivative passes through a discriminator
 * (sCM's JVP is the student's alone); its reverse-mode gradients are autograd's.
 */
public final class SpectralTokenConv extends Module {
    private static final double EPS = 1e-12;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter u;
    private final Parameter v;
    private final int kernel;

    public SpectralTokenConv(long in, long out, int kernel) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("kernel must be odd and positive, got " + kernel);
        }
        long fanIn = in * kernel;
        this.kernel = kernel;
        this.weight = parameter("weight", Init.fanInUniform(fanIn), out, fanIn);
        this.bias = parameter("bias", Init.fanInUniform(fanIn), out);
        this.u = buffer("u", Init.unitNormal(), out);
        this.v = buffer("v", Init.unitNormal(), fanIn);
    }

    /** [B, N, in] → [B, N, out]; {@code training} advances the power iteration by one step. */
    public NDArray forward(NDArray x, boolean training) {
        long tokens = x.getShape().get(1);
        if (kernel > tokens) {
            throw new IllegalArgumentException("a kernel of " + kernel + " over " + tokens + " tokens");
        }
        NDArray w = weight.array();
        NDArray left = u.array();
        NDArray right = v.array();
        if (training) {
            NDArray[] uv = NoGrad.call(() -> {
                NDArray nextV = normalize(w.transpose().matMul(u.array()));
                return new NDArray[] {normalize(w.matMul(nextV)), nextV};
            });
            // σ is built from the new vectors, not the buffers: the buffers change again at the next
            // training forward, before this one's backward (as torch's SpectralNorm clones them)
            left = uv[0];
            right = uv[1];
            u.array().set(new NDIndex(":"), left);
            v.array().set(new NDIndex(":"), right);
        }
        NDArray sigma = left.matMul(w.matMul(right));
        NDArray normalized = w.div(sigma);
        return shifted(x).matMul(normalized.transpose()).add(bias.array());
    }

    /** [B, N, C] → [B, N, k·C]: for each offset j in −k/2..k/2, the tokens rolled so that n reads n + j. */
    private NDArray shifted(NDArray x) {
        if (kernel == 1) {
            return x;
        }
        long n = x.getShape().get(1);
        List<NDArray> parts = new ArrayList<>(kernel);
        for (int j = -kernel / 2; j <= kernel / 2; j++) {
            long s = Math.floorMod(j, n);
            parts.add(s == 0 ? x : NDArrays.concat(new NDList(x.get(new NDIndex(":, {}:", s)), x.get(new NDIndex(":, :{}", s))), 1));
        }
        return NDArrays.concat(new NDList(parts), 2);
    }

    private static NDArray normalize(NDArray a) {
        return a.div(Scalars.maximum(a.norm(), EPS));
    }
}
