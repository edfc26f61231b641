package org.tbcm4j.model;

/**
 * Shape of the evaluation classifier.
 *
 * @param channels conv widths of its three stages (28, 14 and 7 pixels), e.g. [32, 64, 128]
 * @param featureDim width of the penultimate layer, whose activations define the metric space
 * @param numClasses number of classes
 * @param groups GroupNorm groups
 */
public record ClassifierConfig(int[] channels, int featureDim, int numClasses, int groups) {
    public ClassifierConfig {
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
}
