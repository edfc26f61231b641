package org.tbcm4j.export;

import java.util.List;
import java.util.Map;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Parameter;

/**
 * The DiT's forward pass written as ONNX operators, layer by layer as model/DiT, DiTBlock and the nn
 * layers compute it (value path only: an exported generator needs no tangents). The weights become
 * initializers under their checkpoint names. Checked against the DJL forward by ONNX Runtime in the tests.
 */
public final class NetworkOnnx {
    private final OnnxGraph g;
    private final Map<String, Parameter> params;
    private final String prefix;
    private final DiTConfig c;

    /** Emits into {@code g} the DiT whose parameters are {@code owner}'s under {@code prefix} ("" or "backbone."). */
    public NetworkOnnx(OnnxGraph g, Module owner, String prefix, DiTConfig config) {
        this.g = g;
        this.params = owner.parameters();
        this.prefix = prefix;
        this.c = config;
    }

    /** Emits {@code dit} on its own. */
    public static NetworkOnnx of(OnnxGraph g, DiT dit) {
        return new NetworkOnnx(g, dit, "", dit.config());
    }

    private String w(String name) {
        Parameter p = params.get(prefix + name);
        if (p == null) {
            throw new IllegalStateException("no parameter " + prefix + name);
        }
        return g.weight(prefix + name, p.array());
    }

    private String linear(String x, String layer) {
        return g.linear(x, w(layer + ".weight"), params.containsKey(prefix + layer + ".bias") ? w(layer + ".bias") : null);
    }

    /** TimestepEmbedder: sinusoid of inputScale·s (cos then sin), Linear, SiLU, Linear. s [B] → [B, hidden]. */
    public String timestepEmbedding(String s, String layer, double inputScale, int frequencyDim, double maxPeriod) {
        int half = frequencyDim / 2;
        float[] freqs = new float[half];
        for (int k = 0; k < half; k++) {
            freqs[k] = (float) Math.exp(-Math.log(maxPeriod) * k / half);
        }
        String args = g.mul(g.unsqueeze(g.mul(s, g.scalar(inputScale)), 1), g.constant(freqs, 1, half));
        String freq = g.concat(-1, g.op("Cos", args), g.op("Sin", args));
        return linear(g.silu(linear(freq, layer + ".mlp.0")), layer + ".mlp.2");
    }

    /** The DiT's own time embedding of flow time τ [B]. */
    public String timeEmbedding(String tau) {
        return timestepEmbedding(tau, "t_embedder", c.timeScale(), c.frequencyDim(), 10000);
    }

    /** Velocity [B, C, H, W] for latents x, classes [B] (int64) and a time embedding [B, hidden]. */
    public String velocity(String x, String timeEmbedding, String classes) {
        int p = c.patchSize();
        long grid = c.imageSize() / p;
        long patchDim = (long) c.channels() * p * p;
        String patches = g.reshape(g.transpose(g.reshape(x, -1, c.channels(), grid, p, grid, p), 0, 2, 4, 1, 3, 5),
                -1, grid * grid, patchDim);
        String tokens = g.add(linear(patches, "x_embedder"), w("pos_embed"));
        String activated = g.silu(g.add(timeEmbedding, g.gather(w("y_embedder.embedding_table"), classes)));
        for (int b = 0; b < c.depth(); b++) {
            tokens = block(tokens, activated, "blocks." + b + ".");
        }
        List<String> shiftScale = g.split(linear(activated, "final_layer.adaLN_modulation"), 2, 1, c.hidden());
        String h = modulate(g.layerNorm(tokens, c.hidden(), 1e-6), shiftScale.get(0), shiftScale.get(1));
        String out = linear(h, "final_layer.linear");
        return g.reshape(g.transpose(g.reshape(out, -1, grid, grid, c.channels(), p, p), 0, 3, 1, 4, 2, 5),
                -1, c.channels(), c.imageSize(), c.imageSize());
    }

    private String block(String x, String activated, String at) {
        List<String> m = g.split(linear(activated, at + "adaLN_modulation"), 6, 1, c.hidden());
        String h = modulate(g.layerNorm(x, c.hidden(), 1e-6), m.get(0), m.get(1));
        x = g.add(x, g.mul(attention(h, at + "attn."), g.unsqueeze(m.get(2), 1)));
        h = modulate(g.layerNorm(x, c.hidden(), 1e-6), m.get(3), m.get(4));
        String mlp = linear(g.gelu(linear(h, at + "mlp.fc1")), at + "mlp.fc2");
        return g.add(x, g.mul(mlp, g.unsqueeze(m.get(5), 1)));
    }

    /** x·(1 + scale) + shift, scale and shift [B, H] broadcast over tokens. */
    private String modulate(String x, String shift, String scale) {
        return g.add(g.mul(x, g.add(g.unsqueeze(scale, 1), g.scalar(1))), g.unsqueeze(shift, 1));
    }

    private String attention(String x, String at) {
        int heads = c.heads();
        long d = c.hidden() / heads;
        long n = c.tokens();
        String packed = g.transpose(g.reshape(linear(x, at + "qkv"), -1, n, 3, heads, d), 2, 0, 3, 1, 4);
        List<String> qkv = g.split(packed, 3, 0, 1);
        String q = g.reshape(qkv.get(0), -1, heads, n, d);
        String k = g.reshape(qkv.get(1), -1, heads, n, d);
        String v = g.reshape(qkv.get(2), -1, heads, n, d);
        if (c.qkNorm()) {
            q = g.rmsNorm(q, w(at + "q_norm.weight"), 1e-6);
            k = g.rmsNorm(k, w(at + "k_norm.weight"), 1e-6);
        }
        String mixed;
        if (c.attention() == AttentionKind.SOFTMAX) {
            String scores = g.mul(g.matmul(q, g.transpose(k, 0, 1, 3, 2)), g.scalar(1.0 / Math.sqrt(d)));
            mixed = g.matmul(g.softmax(scores, -1), v);
        } else {
            // Sana's linear attention with a ReLU kernel (AttentionOps.reluLinearAttention, eps 1e-15)
            String fq = g.op("Relu", q);
            String fk = g.op("Relu", k);
            String numerator = g.matmul(fq, g.matmul(g.transpose(fk, 0, 1, 3, 2), v));
            String kSum = g.op("ReduceSum", List.of(OnnxProto.intAttribute("keepdims", 1)), fk, g.int64s(2));
            String denominator = g.add(g.op("ReduceSum", List.of(OnnxProto.intAttribute("keepdims", 1)),
                    g.mul(fq, kSum), g.int64s(-1)), g.scalar(1e-15));
            mixed = g.div(numerator, denominator);
        }
        return linear(g.reshape(g.transpose(mixed, 0, 2, 1, 3), -1, n, c.hidden()), at + "proj");
    }
}
