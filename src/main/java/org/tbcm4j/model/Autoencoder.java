package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.tbcm4j.nn.Activations;
import org.tbcm4j.nn.Conv2d;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.GroupNorm;
import org.tbcm4j.nn.Init;
import org.tbcm4j.nn.LinearOps;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.ShapeOps;

/**
 * A KL-regularised convolutional autoencoder, S×S×K images → (S/4)×(S/4)×C latents (f4) → S×S×K. The encoder
 * gives a diagonal Gaussian posterior (mean, log-variance); {@code latent_scale} (Sana's scale_factor)
 * maps latents to unit variance for the diffusion model and is set after training.
 */
public final class Autoencoder extends Module {
    private final AutoencoderConfig config;
    // Encoder: S → S/2 → S/4.
    private final Conv2d encIn;
    private final ResBlock enc0;
    private final Conv2d down0;
    private final ResBlock enc1;
    private final Conv2d down1;
    private final ResBlock enc2;
    private final GroupNorm encNorm;
    private final Conv2d encOut;
    // Decoder: S/4 → S/2 → S.
    private final Conv2d decIn;
    private final ResBlock dec0;
    private final Conv2d up0;
    private final ResBlock dec1;
    private final Conv2d up1;
    private final ResBlock dec2;
    private final GroupNorm decNorm;
    private final Conv2d decOut;
    private final Parameter latentScale;

    public Autoencoder(AutoencoderConfig c) {
        this.config = c;
        int c0 = c.channels()[0];
        int c1 = c.channels()[1];
        int g = c.groups();
        encIn = child("encoder.conv_in", new Conv2d(c.imageChannels(), c0, 3, 1, 1));
        enc0 = child("encoder.block0", new ResBlock(c0, c0, g));
        down0 = child("encoder.down0", new Conv2d(c0, c1, 3, 2, 1));
        enc1 = child("encoder.block1", new ResBlock(c1, c1, g));
        down1 = child("encoder.down1", new Conv2d(c1, c1, 3, 2, 1));
        enc2 = child("encoder.block2", new ResBlock(c1, c1, g));
        encNorm = child("encoder.norm_out", new GroupNorm(g, c1, 1e-6));
        encOut = child("encoder.conv_out", new Conv2d(c1, 2L * c.latentChannels(), 3, 1, 1));
        decIn = child("decoder.conv_in", new Conv2d(c.latentChannels(), c1, 3, 1, 1));
        dec0 = child("decoder.block0", new ResBlock(c1, c1, g));
        up0 = child("decoder.up0", new Conv2d(c1, c1, 3, 1, 1));
        dec1 = child("decoder.block1", new ResBlock(c1, c1, g));
        up1 = child("decoder.up1", new Conv2d(c1, c0, 3, 1, 1));
        dec2 = child("decoder.block2", new ResBlock(c0, c0, g));
        decNorm = child("decoder.norm_out", new GroupNorm(g, c0, 1e-6));
        decOut = child("decoder.conv_out", new Conv2d(c0, c.imageChannels(), 3, 1, 1));
        latentScale = buffer("latent_scale", Init.ones(), 1);
    }

    /** The shape of one latent, [channels, size, size]. */
    public long[] latentShape() {
        return new long[] {config.latentChannels(), config.latentSize(), config.latentSize()};
    }

    /** The shape of one image, [channels, size, size]. */
    public long[] imageShape() {
        return new long[] {config.imageChannels(), config.imageSize(), config.imageSize()};
    }

    public AutoencoderConfig config() {
        return config;
    }

    /** Posterior mean and log-variance, each [B, C, S/4, S/4], of images [B, K, S, S] in [−1, 1]. */
    public List<NDArray> encode(NDArray images) {
        Dual h = encIn.forward(Dual.of(images));
        h = enc2.forward(down1.forward(enc1.forward(down0.forward(enc0.forward(h)))));
        Dual moments = encOut.forward(Activations.silu(encNorm.forward(h)));
        List<Dual> parts = ShapeOps.split(moments, 2, 1);
        return List.of(parts.get(0).value(), parts.get(1).value().clip(-30, 20));
    }

    /** Images [B, K, S, S] (about [−1, 1]) from unscaled latents [B, C, S/4, S/4]. */
    public NDArray decode(NDArray latents) {
        Dual h = dec0.forward(decIn.forward(Dual.of(latents)));
        h = dec1.forward(up0.forward(LinearOps.upsampleNearest(h, 2)));
        h = dec2.forward(up1.forward(LinearOps.upsampleNearest(h, 2)));
        return decOut.forward(Activations.silu(decNorm.forward(h))).value();
    }

    /** The factor that takes latents to unit variance (1 until set after training). */
    public double latentScale() {
        return latentScale.array().getFloat(0);
    }

    /** Sets the scale factor in place. */
    public void setLatentScale(double scale) {
        NDArray a = latentScale.array();
        Scalars.muli(a, 0).addi(org.tbcm4j.nn.NativeArrays.scalar(a, scale));
    }
}
