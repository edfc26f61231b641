package org.tbcm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tbcm4j.testing.JvpCheck.assertExact;
import static org.tbcm4j.testing.JvpCheck.randn;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.testing.WithManager;

/** Every primitive's tangent rule against a float64 central difference. */
class PrimitiveJvpTest extends WithManager {

    private NDArray r(long seed, long... shape) {
        return randn(m, seed, shape);
    }

    private static List<NDArray> l(NDArray... a) {
        return Arrays.asList(a);
    }

    @Test
    void arithmeticWithBroadcasting() {
        NDArray a = r(1, 3, 4, 5);
        NDArray b = r(2, 3, 1, 5);
        NDArray da = r(3, 3, 4, 5);
        NDArray db = r(4, 3, 1, 5);
        assertExact("add", x -> Arith.add(x.get(0), x.get(1)), l(a, b), l(da, db));
        assertExact("add, only broadcast operand moves", x -> Arith.add(x.get(0), x.get(1)), l(a, b), l(null, db));
        assertExact("sub", x -> Arith.sub(x.get(0), x.get(1)), l(a, b), l(da, db));
        assertExact("sub, only subtrahend moves", x -> Arith.sub(x.get(0), x.get(1)), l(a, b), l(null, db));
        assertExact("mul", x -> Arith.mul(x.get(0), x.get(1)), l(a, b), l(da, db));
        assertExact("mul, only broadcast operand moves", x -> Arith.mul(x.get(0), x.get(1)), l(a, b), l(null, db));
        NDArray positive = b.abs().add(0.5);
        assertExact("div", x -> Arith.div(x.get(0), x.get(1)), l(a, positive), l(da, db));
        assertExact("div, only divisor moves", x -> Arith.div(x.get(0), x.get(1)), l(a, positive), l(null, db));
        assertExact("scale", x -> Arith.scale(x.get(0), -2.5), l(a), l(da));
        assertExact("addScalar", x -> Arith.addScalar(x.get(0), 3.0), l(a), l(da));
        assertExact("neg", x -> Arith.neg(x.get(0)), l(a), l(da));
        assertExact("sin", x -> Arith.sin(x.get(0)), l(a), l(da));
        assertExact("cos", x -> Arith.cos(x.get(0)), l(a), l(da));
        assertExact("exp", x -> Arith.exp(x.get(0)), l(a), l(da));
        assertExact("square", x -> Arith.square(x.get(0)), l(a), l(da));
        assertExact("reciprocal", x -> Arith.reciprocal(x.get(0)), l(positive), l(db));
        assertExact("sum", x -> Arith.sum(x.get(0), new int[] {1, 2}, true), l(a), l(da));
        assertExact("mean", x -> Arith.mean(x.get(0), new int[] {-1}, false), l(a), l(da));
    }

    @Test
    void linearMatmulConvAndUpsampling() {
        NDArray x = r(1, 2, 7, 6);
        NDArray w = r(2, 5, 6);
        NDArray b = r(3, 5);
        assertExact("linear", in -> LinearOps.linear(in.get(0), w, b), l(x), l(r(4, 2, 7, 6)));
        assertExact("linear without bias", in -> LinearOps.linear(in.get(0), w, null), l(x), l(r(5, 2, 7, 6)));
        NDArray p = r(6, 2, 3, 4, 5);
        NDArray q = r(7, 2, 3, 5, 2);
        assertExact("matmul", in -> LinearOps.matmul(in.get(0), in.get(1)), l(p, q), l(r(8, 2, 3, 4, 5), r(9, 2, 3, 5, 2)));
        assertExact("matmul, right only", in -> LinearOps.matmul(in.get(0), in.get(1)), l(p, q), l(null, r(10, 2, 3, 5, 2)));
        NDArray img = r(11, 2, 3, 8, 8);
        NDArray k = r(12, 4, 3, 3, 3);
        NDArray kb = r(13, 4);
        assertExact("conv2d stride 1", in -> LinearOps.conv2d(in.get(0), k, kb, 1, 1), l(img), l(r(14, 2, 3, 8, 8)));
        assertExact("conv2d stride 2", in -> LinearOps.conv2d(in.get(0), k, kb, 2, 1), l(img), l(r(15, 2, 3, 8, 8)));
        assertExact("upsample nearest", in -> LinearOps.upsampleNearest(in.get(0), 2), l(img), l(r(16, 2, 3, 8, 8)));
    }

    @Test
    void upsamplingCopiesEachPixel() {
        NDArray img = m.arange(4.0f).reshape(1, 1, 2, 2);
        float[] up = LinearOps.upsampleNearest(Dual.of(img), 2).value().toFloatArray();
        assertEquals(
                Arrays.toString(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}), Arrays.toString(up));
    }

    @Test
    void activations() {
        NDArray x = r(1, 4, 9).mul(2);
        NDArray dx = r(2, 4, 9);
        assertExact("silu", in -> Activations.silu(in.get(0)), l(x), l(dx));
        assertExact("gelu", in -> Activations.gelu(in.get(0)), l(x), l(dx));
        assertExact("relu", in -> Activations.relu(in.get(0)), l(x), l(dx));
        assertExact("sigmoid", in -> Activations.sigmoid(in.get(0)), l(x), l(dx));
        assertExact("tanh", in -> Activations.tanh(in.get(0)), l(x), l(dx));
    }

    @Test
    void geluIsTheExactErfVariant() {
        double x = 0.7;
        double expected = x * 0.5 * (1 + erf(x / Math.sqrt(2)));
        double got = Activations.gelu(Dual.of(m.create(new double[] {x}))).value().getDouble(0);
        assertEquals(expected, got, 1e-12);
    }

    @Test
    void norms() {
        NDArray x = r(1, 3, 5, 8).mul(3).add(1);
        NDArray dx = r(2, 3, 5, 8);
        NDArray g = r(3, 8);
        NDArray b = r(4, 8);
        assertExact("layerNorm affine", in -> Norms.layerNorm(in.get(0), g, b, 1e-6), l(x), l(dx));
        assertExact("layerNorm plain", in -> Norms.layerNorm(in.get(0), null, null, 1e-6), l(x), l(dx));
        assertExact("rmsNorm", in -> Norms.rmsNorm(in.get(0), g, 1e-6), l(x), l(dx));
        NDArray img = r(5, 2, 6, 4, 4).mul(2).add(0.5);
        NDArray gg = r(6, 6);
        NDArray gb = r(7, 6);
        assertExact("groupNorm", in -> Norms.groupNorm(in.get(0), 3, gg, gb, 1e-5), l(img), l(r(8, 2, 6, 4, 4)));
    }

    @Test
    void tangentModeValuesEqualPlainForwardValues() {
        // The tangent path computes norms by hand while the plain path calls libtorch's fused kernel.
        NDArray x = r(1, 3, 5, 8);
        NDArray g = r(3, 8);
        NDArray b = r(4, 8);
        NDArray plain = Norms.layerNorm(Dual.of(x), g, b, 1e-6).value();
        NDArray withTangent = Norms.layerNorm(Dual.of(x, r(2, 3, 5, 8)), g, b, 1e-6).value();
        assertEquals(0.0, plain.sub(withTangent).abs().max().getDouble(), 1e-12);
        NDArray img = r(5, 2, 6, 4, 4);
        NDArray plainGn = Norms.groupNorm(Dual.of(img), 3, null, null, 1e-5).value();
        NDArray tangentGn = Norms.groupNorm(Dual.of(img, img), 3, null, null, 1e-5).value();
        assertEquals(0.0, plainGn.sub(tangentGn).abs().max().getDouble(), 1e-12);
    }

    @Test
    void softmaxAndAttentionKernels() {
        NDArray s = r(1, 2, 3, 6);
        assertExact("softmax", in -> AttentionOps.softmax(in.get(0)), l(s), l(r(2, 2, 3, 6)));
        NDArray q = r(3, 2, 2, 5, 4);
        NDArray k = r(4, 2, 2, 5, 4);
        NDArray v = r(5, 2, 2, 5, 4);
        List<NDArray> dirs = l(r(6, 2, 2, 5, 4), r(7, 2, 2, 5, 4), r(8, 2, 2, 5, 4));
        assertExact("softmax attention",
                in -> AttentionOps.softmaxAttention(in.get(0), in.get(1), in.get(2), 0.5), l(q, k, v), dirs);
        assertExact("relu linear attention",
                in -> AttentionOps.reluLinearAttention(in.get(0), in.get(1), in.get(2), 1e-15), l(q, k, v), dirs);
    }

    @Test
    void embeddings() {
        NDArray t = m.create(new double[] {0.05, 0.3, 0.77, 0.99});
        NDArray dt = m.create(new double[] {1.0, -0.5, 2.0, 0.3});
        assertExact("sinusoidal", in -> EmbeddingOps.sinusoidal(in.get(0), 16, 10000), l(t), l(dt));
        assertExact("sinusoidal, scaled input", in -> EmbeddingOps.sinusoidal(Arith.scale(in.get(0), 1000), 16, 10000),
                l(t), l(dt));
        NDArray table = r(1, 11, 6);
        Dual looked = EmbeddingOps.lookup(table, m.create(new long[] {3, 10, 0}));
        assertNull(looked.tangent(), "class ids are discrete: no tangent");
        assertEquals(0.0, looked.value().get(1).sub(table.get(10)).abs().max().getDouble(), 0.0);
    }

    @Test
    void adaLnShapesAndPatches() {
        NDArray x = r(1, 2, 5, 8);
        NDArray shift = r(2, 2, 8);
        NDArray scale = r(3, 2, 8);
        List<NDArray> dirs = l(r(4, 2, 5, 8), r(5, 2, 8), r(6, 2, 8));
        assertExact("modulate", in -> AdaLn.modulate(in.get(0), in.get(1), in.get(2)), l(x, shift, scale), dirs);
        assertExact("gated residual", in -> AdaLn.gatedResidual(in.get(0), in.get(1), in.get(0)), l(x, shift), 
                l(dirs.get(0), dirs.get(1)));
        NDArray img = r(7, 2, 4, 6, 6);
        assertExact("patchify p=2", in -> ShapeOps.patchify(in.get(0), 2), l(img), l(r(8, 2, 4, 6, 6)));
        NDArray tokens = r(9, 2, 9, 16);
        assertExact("unpatchify p=2", in -> ShapeOps.unpatchify(in.get(0), 2, 4, 6, 6), l(tokens), l(r(10, 2, 9, 16)));
        assertExact("concat with a constant part",
                in -> ShapeOps.concat(List.of(in.get(0), in.get(1)), 1), l(x, x.mul(2)), l(dirs.get(0), null));
        assertExact("split", in -> ShapeOps.split(in.get(0), 4, 2).get(1), l(x), l(dirs.get(0)));
    }

    @Test
    void patchifyInvertsUnpatchify() {
        NDArray img = r(1, 2, 4, 6, 6);
        NDArray back = ShapeOps.unpatchify(ShapeOps.patchify(Dual.of(img), 3), 3, 4, 6, 6).value();
        assertEquals(0.0, back.sub(img).abs().max().getDouble(), 0.0);
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse; a series is exact enough for a fixed small argument. */
    private static double erf(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 60; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
