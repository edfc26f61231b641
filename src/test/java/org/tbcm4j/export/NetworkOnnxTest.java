package org.tbcm4j.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;

/** The DiT written as ONNX operators, run by ONNX Runtime, against the DJL forward on the same inputs. */
class NetworkOnnxTest extends WithManager {
    private static final int BATCH = 3;

    private void matches(DiTConfig config) throws Exception {
        DiT dit = new DiT(config);
        dit.initialize(m, DataType.FLOAT32, 7);
        JvpCheck.randomize(dit, 7, 0.2);
        NDArray x = JvpCheck.randn(m, 1, BATCH, config.channels(), config.imageSize(), config.imageSize())
                .toType(DataType.FLOAT32, false);
        float[] tau = {0.1f, 0.5f, 0.93f};
        long[] classes = {2, config.numClasses() - 1, config.numClasses()};
        NDArray expected = NoGrad.call(() -> dit.forward(Dual.of(x), Dual.of(m.create(tau)),
                NativeArrays.of(m, classes, new Shape(BATCH))).value());

        OnnxGraph g = new OnnxGraph();
        long c = config.channels();
        long s = config.imageSize();
        String xIn = g.floatInput("x", "batch", c, s, s);
        String tauIn = g.floatInput("tau", "batch");
        String classIn = g.int64Input("classes", "batch");
        NetworkOnnx net = NetworkOnnx.of(g, dit);
        g.floatOutput(net.velocity(xIn, net.timeEmbedding(tauIn), classIn), "velocity", "batch", c, s, s);
        byte[] model = g.toBytes("dit");

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), new long[] {BATCH, c, s, s});
                OnnxTensor tt = OnnxTensor.createTensor(env, FloatBuffer.wrap(tau), new long[] {BATCH});
                OnnxTensor ct = OnnxTensor.createTensor(env, LongBuffer.wrap(classes), new long[] {BATCH});
                OrtSession.Result result = session.run(Map.of("x", xt, "tau", tt, "classes", ct))) {
            float[] want = expected.toFloatArray();
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] got = new float[out.remaining()];
            out.get(got);
            assertEquals(want.length, got.length);
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(want[i] - got[i]));
                scale = Math.max(scale, Math.abs(want[i]));
            }
            System.out.printf("%s: max |ONNX − DJL| = %.3g of max |v| %.3g%n", config.attention(), worst, scale);
            assertTrue(scale > 0.1, "a non-trivial output: " + scale);
            assertTrue(worst < 1e-4 * Math.max(1, scale), config + ": max |ONNX − DJL| = " + worst + " of " + scale);
        }
    }

    @Test
    void softmaxAttentionWithQkNormOnePixelPatches() throws Exception {
        matches(new DiTConfig(4, 7, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
    }

    @Test
    void reluLinearAttentionWithoutQkNormAndLargerPatches() throws Exception {
        matches(new DiTConfig(3, 8, 2, 24, 2, 3, 1.5, AttentionKind.RELU_LINEAR, false, 5, 8, 0.5));
    }
}
