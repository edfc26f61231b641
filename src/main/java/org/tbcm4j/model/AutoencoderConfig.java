package org.tbcm4j.model;

/**
 * Shape of the latent autoencoder: 28×28×1 images ↔ (28/4)×(28/4)×latentChannels latents.
 *
 * @param channels widths at full and at half/quarter resolution, e.g. [32, 64]
 * @param latentChannels latent channels (4)
 * @param groups GroupNorm groups
 */
public record AutoencoderConfig(int[] channels, int latentChannels, int groups) {
    public AutoencoderConfig {
        // upper bounds, so that a file's stored config cannot make the loader allocate a model of its choosing
        if (channels == null || channels.length != 2 || channels[0] <= 0 || channels[1] <= 0
                || channels[0] > MAX_WIDTH || channels[1] > MAX_WIDTH) {
            throw new IllegalArgumentException("model.channels must be two widths between 1 and " + MAX_WIDTH
                    + ", e.g. [32, 64]");
        }
        if (latentChannels <= 0 || latentChannels > MAX_WIDTH) {
            throw new IllegalArgumentException("model.latent_channels must be between 1 and " + MAX_WIDTH + ", got "
                    + latentChannels);
        }
        if (groups <= 0 || channels[0] % groups != 0 || channels[1] % groups != 0) {
            throw new IllegalArgumentException("model.groups must divide both channel widths, got " + groups);
        }
    }

    static final int MAX_WIDTH = 4096;

    /** Latent edge for 28×28 images: two 2× downsamplings. */
    public int latentSize() {
        return 7;
    }
}
