package org.tbcm4j.model;

import org.tbcm4j.util.OptionalKey;

/**
 * Shape of the latent autoencoder: S×S images of 1 or 3 channels ↔ (S/4)×(S/4)×latentChannels latents (f4).
 *
 * @param channels widths at full and at half/quarter resolution, e.g. [32, 64]
 * @param latentChannels latent channels (4)
 * @param groups GroupNorm groups
 * @param imageSize image edge S, a multiple of 4 (optional key: 28, the size of the files written before it existed)
 * @param imageChannels 1 (gray) or 3 (RGB) (optional key: 1)
 */
public record AutoencoderConfig(int[] channels, int latentChannels, int groups,
        @OptionalKey Integer imageSize,
        @OptionalKey Integer imageChannels) {
    public AutoencoderConfig {
        imageSize = imageSize == null ? 28 : imageSize;
        imageChannels = imageChannels == null ? 1 : imageChannels;
        if (imageSize < 8 || imageSize > 512 || imageSize % 4 != 0) {
            throw new IllegalArgumentException("model.image_size must be a multiple of 4 between 8 and 512, got "
                    + imageSize);
        }
        if (imageChannels != 1 && imageChannels != 3) {
            throw new IllegalArgumentException("model.image_channels must be 1 or 3, got " + imageChannels);
        }
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

    /** A 28×28 gray autoencoder (the shipped one's shape). */
    public AutoencoderConfig(int[] channels, int latentChannels, int groups) {
        this(channels, latentChannels, groups, 28, 1);
    }

    /** Latent edge: two 2× downsamplings. */
    public int latentSize() {
        return imageSize / 4;
    }

    /** Values in one image, channels × size × size. */
    public int pixelsPerImage() {
        return imageChannels * imageSize * imageSize;
    }
}
