package org.tbcm4j.export;

import java.util.Map;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.AutoencoderConfig;
import org.tbcm4j.nn.Parameter;

/**
 * The autoencoder's decoder as ONNX operators, as model/Autoencoder.decode and ResBlock compute it:
 * conv_in, ResBlock, (nearest ×2, conv, ResBlock) twice, GroupNorm, SiLU, conv_out.
 */
final class DecoderOnnx {
    private final OnnxGraph g;
    private final Map<String, Parameter> params;
    private final AutoencoderConfig c;

    DecoderOnnx(OnnxGraph g, Autoencoder ae) {
        this.g = g;
        this.params = ae.parameters();
        this.c = ae.config();
    }

    private String w(String name) {
        return g.weight("autoencoder." + name, params.get(name).array());
    }

    private String conv(String x, String layer, long padding) {
        return g.conv(x, w(layer + ".weight"), w(layer + ".bias"), 1, padding);
    }

    private String norm(String x, String layer, long channels, long size) {
        return g.groupNorm(x, c.groups(), channels, size, size, w(layer + ".weight"), w(layer + ".bias"), 1e-6);
    }

    private String resBlock(String x, String at, long in, long out, long size) {
        String h = conv(g.silu(norm(x, at + ".norm1", in, size)), at + ".conv1", 1);
        h = conv(g.silu(norm(h, at + ".norm2", out, size)), at + ".conv2", 1);
        String skip = params.containsKey(at + ".skip.weight") ? conv(x, at + ".skip", 0) : x;
        return g.add(skip, h);
    }

    /** Images [B, K, 4s, 4s] from unscaled latents [B, C, s, s]. */
    String decode(String latents) {
        long c0 = c.channels()[0];
        long c1 = c.channels()[1];
        long s = c.latentSize();
        String h = resBlock(conv(latents, "decoder.conv_in", 1), "decoder.block0", c1, c1, s);
        h = resBlock(conv(g.upsampleNearest(h, c1, s, s, 2), "decoder.up0", 1), "decoder.block1", c1, c1, 2 * s);
        h = resBlock(conv(g.upsampleNearest(h, c1, 2 * s, 2 * s, 2), "decoder.up1", 1), "decoder.block2", c0, c0, 4 * s);
        return conv(g.silu(norm(h, "decoder.norm_out", c0, 4 * s)), "decoder.conv_out", 1);
    }
}
