package org.tbcm4j.model;

import org.tbcm4j.util.OptionalKey;

/**
 * Shape of the evaluation classifier.
 *
 * @param channels conv widths of its three stages (full, half and quarter size), e.g. [32, 64, 128]
 * @param featureDim width of the penultimate layer, whose activations define the metric space
 * @param numClasses number of classes
 * @param groups GroupNorm groups
 * @param imageSize edge of the images it scores (optional key: 28); pooling makes the network itself size-free,
 *     but features of another size are not comparable
 * @param imageChannels 1 or 3 (optional key: 1)
 */
public record ClassifierConfig(int[] channels, int featureDim, int numClasses, int groups,
        @OptionalKey Integer imageSize,
        @OptionalKey Integer imageChannels) {
    public ClassifierConfig {
        imageSize = imageSize == null ? 28 : imageSize;
        imageChannels = imageChannels == null ? 1 : imageChannels;
        if (imageSize < 8 || imageSize > 512) {
            throw new IllegalArgumentException("model.image_size must be between 8 and 512, got " + imageSize);
        }
        if (imageChannels != 1 && imageChannels != 3) {
            throw new IllegalArgumentException("model.image_channels must be 1 or 3, got " + imageChannels);
        }
        if (channels == null || channels.length != 3) {
            throw new IllegalArgumentException("model.channels must be three widths, e.g. [32, 64, 128]");
        }
        if (groups <= 0) {
            throw new IllegalArgumentException("model.groups must be positive, got " + groups);
        }
        // upper bounds, so that a file's stored config cannot make the loader allocate a model of its choosing
        for (int c : channels) {
            if (c <= 0 || c > AutoencoderConfig.MAX_WIDTH || c % groups != 0) {
                throw new IllegalArgumentException("model.channels must be multiples of model.groups between 1 and "
                        + AutoencoderConfig.MAX_WIDTH);
            }
        }
        if (featureDim <= 0 || featureDim > 1 << 14 || numClasses < 2 || numClasses > 1 << 20) {
            throw new IllegalArgumentException("model.feature_dim must be between 1 and 16384 and model.num_classes "
                    + "between 2 and 1048576");
        }
    }

    /** A classifier of 28×28 gray images (the shipped one's shape). */
    public ClassifierConfig(int[] channels, int featureDim, int numClasses, int groups) {
        this(channels, featureDim, numClasses, groups, 28, 1);
    }
}
