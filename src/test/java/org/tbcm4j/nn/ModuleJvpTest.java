package org.tbcm4j.nn;

import static org.tbcm4j.testing.JvpCheck.assertExact;
import static org.tbcm4j.testing.JvpCheck.randn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;

/** Layers built from the primitives, checked as wholes against a float64 central difference. */
class ModuleJvpTest extends WithManager {

    private <M extends Module> M init(M module, long seed) {
        module.initialize(m, DataType.FLOAT64, seed);
        JvpCheck.randomize(module, seed, 0.3);
        return module;
    }

    private static List<NDArray> l(NDArray... a) {
        return Arrays.asList(a);
    }

    @Test
    void attentionLayers() {
        NDArray x = randn(m, 1, 2, 9, 16);
        NDArray dx = randn(m, 2, 2, 9, 16);
        for (AttentionKind kind : AttentionKind.values()) {
            for (boolean qkNorm : new boolean[] {false, true}) {
                MultiHeadAttention attn = init(new MultiHeadAttention(16, 4, kind, qkNorm), 3);
                assertExact(kind + " attention, qkNorm=" + qkNorm, in -> attn.forward(in.get(0)), l(x), l(dx));
            }
        }
    }

    @Test
    void feedForwardConvAndNormLayers() {
        Mlp mlp = init(new Mlp(8, 32), 1);
        assertExact("mlp", in -> mlp.forward(in.get(0)), l(randn(m, 1, 3, 5, 8)), l(randn(m, 2, 3, 5, 8)));
        Conv2d conv = init(new Conv2d(3, 8, 3, 2, 1), 2);
        GroupNorm gn = init(new GroupNorm(4, 8, 1e-5), 3);
        assertExact("conv → groupNorm → silu", in -> Activations.silu(gn.forward(conv.forward(in.get(0)))),
                l(randn(m, 4, 2, 3, 8, 8)), l(randn(m, 5, 2, 3, 8, 8)));
        LayerNorm ln = init(new LayerNorm(8, true, 1e-6), 4);
        RmsNorm rms = init(new RmsNorm(8, 1e-6), 5);
        assertExact("layerNorm → rmsNorm", in -> rms.forward(ln.forward(in.get(0))),
                l(randn(m, 6, 3, 8)), l(randn(m, 7, 3, 8)));
    }

    @Test
    void timestepEmbedderIsDifferentiableInTime() {
        TimestepEmbedder emb = init(new TimestepEmbedder(16, 32, 1.0, 10000), 1);
        NDArray t = m.create(new double[] {0.01, 0.4, 0.93});
        NDArray dt = m.create(new double[] {1.0, -1.0, 0.5});
        assertExact("time embedder", in -> emb.forward(in.get(0)), l(t), l(dt));
        TimestepEmbedder scaled = init(new TimestepEmbedder(16, 32, 1000.0, 10000), 2);
        assertExact("time embedder, scale 1000", in -> scaled.forward(in.get(0)), l(t), l(dt));
    }
}
