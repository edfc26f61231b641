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
        for (int c : channels) {
            if (c <= 0 || c % groups != 0) {
                throw new IllegalArgumentException("model.channels must be positive multiples of model.groups");
            }
        }
        if (featureDim <= 0 || numClasses < 2) {
            throw new IllegalArgumentException("model.feature_dim must be positive and model.num_classes at least 2");
        }
    }
}
