package org.tbcm4j.export;

import java.util.ArrayList;
import java.util.List;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.Student;
import org.tbcm4j.trigflow.StudentSchedule;
import org.tbcm4j.trigflow.TrigFlow;

/**
 * The student's few-step generator, decoder included, as one ONNX graph: the same computation as
 * {@code StudentGenerator} then {@code Autoencoder.decode} (ConsistencySampler's steps, Sana-Sprint's
 * flow→TrigFlow wrapper, the DiT with the guidance embedding added to its time embedding).
 *
 * <p>Inputs: {@code noise} [B, C, s, s] standard normal, {@code classes} [B] int64, {@code guidance} [B]
 * float, and for k = 1 … steps−1 the re-noising draws {@code renoise_k} [B, C, s, s], standard normal.
 * Output: {@code image} [B, K, 4s, 4s] in [−1, 1] (K: the autoencoder's image channels).
 */
public final class GeneratorOnnx {
    private GeneratorOnnx() {}

    /** The ONNX model file's bytes for {@code steps} steps (2 steps pass through {@code intermediate}). */
    public static byte[] student(Student student, Autoencoder ae, int steps, double intermediate) {
        double[] times = StudentSchedule.times(steps, intermediate);
        DiTConfig d = student.config().backbone();
        long c = d.channels();
        long s = d.imageSize();
        OnnxGraph g = new OnnxGraph();
        String noise = g.floatInput("noise", "batch", c, s, s);
        String classes = g.int64Input("classes", "batch");
        String guidance = g.floatInput("guidance", "batch");
        List<String> renoise = new ArrayList<>();
        for (int k = 1; k < times.length - 1; k++) {
            renoise.add(g.floatInput("renoise_" + k, "batch", c, s, s));
        }
        NetworkOnnx net = new NetworkOnnx(g, student, "backbone.", d);
        String guidanceEmbedding = new NetworkOnnx(g, student, "", d).timestepEmbedding(guidance, "cfg_embedder",
                student.config().guidanceInputScale(), d.frequencyDim(), 10000);
        String x = g.mul(noise, g.scalar(TrigFlow.SIGMA_D));
        String x0 = null;
        for (int i = 0; i < times.length - 1; i++) {
            x0 = x0Estimate(g, net, guidanceEmbedding, classes, x, times[i]);
            double next = times[i + 1];
            if (next > 0) {
                x = g.add(g.mul(x0, g.scalar(Math.cos(next))),
                        g.mul(renoise.get(i), g.scalar(Math.sin(next) * TrigFlow.SIGMA_D)));
            }
        }
        String latents = g.div(g.div(x0, g.scalar(TrigFlow.SIGMA_D)), g.scalar(ae.latentScale()));
        String image = g.clip(new DecoderOnnx(g, ae).decode(latents), -1, 1);
        long edge = 4L * ae.config().latentSize();
        g.floatOutput(image, "image", "batch", (long) ae.config().imageChannels(), edge, edge);
        return g.toBytes("tbcm4j_student_" + steps + "_step");
    }

    /**
     * x̂₀ = cos t·x − sin t·σ_d·F(x/σ_d, t) at one time t for the whole batch, with F from the flow
     * velocity as FlowToTrigFlow computes it (in float32, from t as a float32 value).
     */
    private static String x0Estimate(OnnxGraph g, NetworkOnnx net, String guidanceEmbedding, String classes, String x,
            double time) {
        // shape [1]: broadcasts against the batch, and the time embedding's unsqueeze makes it [1, 1]
        String t = g.constant(new float[] {(float) time}, 1);
        String sinT = g.op("Sin", t);
        String cosT = g.op("Cos", t);
        String sum = g.add(sinT, cosT);
        String tau = g.div(sinT, sum);
        String k = g.op("Reciprocal", sum);
        String xFlow = g.mul(g.mul(x, g.scalar(1 / TrigFlow.SIGMA_D)), k);
        // one τ for the batch: its embedding [1, hidden] broadcasts over the guidance embeddings [B, hidden]
        String embedding = g.add(net.timeEmbedding(tau), guidanceEmbedding);
        String v = net.velocity(xFlow, embedding, classes);
        String oneMinus2Tau = g.add(g.mul(tau, g.scalar(-2)), g.scalar(1));
        String velocityWeight = g.add(oneMinus2Tau, g.mul(g.mul(tau, tau), g.scalar(2)));
        String f = g.div(g.add(g.mul(xFlow, oneMinus2Tau), g.mul(v, velocityWeight)), k);
        return g.sub(g.mul(x, cosT), g.mul(f, g.mul(sinT, g.scalar(TrigFlow.SIGMA_D))));
    }
}
