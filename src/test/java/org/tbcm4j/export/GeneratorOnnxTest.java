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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.AutoencoderConfig;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.ConsistencySampler;
import org.tbcm4j.trigflow.StudentSchedule;
import org.tbcm4j.trigflow.TrigFlow;

/**
 * The exported generator (student steps, flow→TrigFlow, decoder) run by ONNX Runtime against tbcm4j's own
 * sampler and decoder on the same noise, classes and guidance: images equal to 1e-4.
 */
class GeneratorOnnxTest extends WithManager {
    private static final int BATCH = 3;
    private static final double INTERMEDIATE = 1.0;

    private void matches(int steps) throws Exception {
        DiTConfig d = new DiTConfig(4, 7, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);
        Student student = new Student(new StudentConfig(d, 0.1));
        student.initialize(m, DataType.FLOAT32, 3);
        JvpCheck.randomize(student, 3, 0.2);
        Autoencoder ae = new Autoencoder(new AutoencoderConfig(new int[] {8, 8}, 4, 4));
        ae.initialize(m, DataType.FLOAT32, 4);
        JvpCheck.randomize(ae, 4, 0.2);
        ae.setLatentScale(0.8);

        long[] latent = {BATCH, 4, 7, 7};
        NDArray noise = JvpCheck.randn(m, 11, latent).toType(DataType.FLOAT32, false);
        List<NDArray> renoise = new java.util.ArrayList<>();
        for (int k = 1; k < steps; k++) {
            renoise.add(JvpCheck.randn(m, 20 + k, latent).toType(DataType.FLOAT32, false));
        }
        long[] classes = {0, 7, 10};
        float[] guidance = {1.0f, 3.0f, 4.5f};
        NDArray classIds = NativeArrays.of(m, classes, new Shape(BATCH));
        NDArray expected = NoGrad.call(() -> {
            NDArray y = ConsistencySampler.sample(student.trigFlow(classIds, m.create(guidance)),
                    Scalars.mul(noise, TrigFlow.SIGMA_D), StudentSchedule.times(steps, INTERMEDIATE),
                    step -> renoise.get(step - 1));
            return ae.decode(Scalars.div(y, ae.latentScale())).clip(-1, 1);
        });

        byte[] model = GeneratorOnnx.student(student, ae, steps, INTERMEDIATE);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            inputs.put("noise", OnnxTensor.createTensor(env, FloatBuffer.wrap(noise.toFloatArray()), latent));
            inputs.put("classes", OnnxTensor.createTensor(env, LongBuffer.wrap(classes), new long[] {BATCH}));
            inputs.put("guidance", OnnxTensor.createTensor(env, FloatBuffer.wrap(guidance), new long[] {BATCH}));
            for (int k = 1; k < steps; k++) {
                inputs.put("renoise_" + k, OnnxTensor.createTensor(env, FloatBuffer.wrap(renoise.get(k - 1).toFloatArray()),
                        latent));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] got = new float[out.remaining()];
                out.get(got);
                float[] want = expected.toFloatArray();
                assertEquals(want.length, got.length);
                assertEquals(BATCH * 28 * 28, got.length);
                double worst = 0;
                double spread = 0;
                for (int i = 0; i < want.length; i++) {
                    worst = Math.max(worst, Math.abs(want[i] - got[i]));
                    spread = Math.max(spread, Math.abs(want[i] - want[0]));
                }
                assertTrue(spread > 0.01, "a non-constant image: " + spread);
                System.out.printf("%d-step generator: max |ONNX − tbcm4j| = %.3g over %d pixels%n", steps, worst, got.length);
                assertTrue(worst < 1e-4, steps + " steps: max |ONNX − tbcm4j| = " + worst);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void oneStepImagesMatch() throws Exception {
        matches(1);
    }

    @Test
    void twoStepImagesMatch() throws Exception {
        matches(2);
    }
}
