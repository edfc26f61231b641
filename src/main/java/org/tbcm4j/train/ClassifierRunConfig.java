package org.tbcm4j.train;

import org.tbcm4j.model.ClassifierConfig;

/**
 * configs/classifier.yaml.
 *
 * @param maxShift training images are translated by up to this many pixels on each axis
 */
public record ClassifierRunConfig(String name, long seed, ClassifierConfig model, TrainingConfig training,
        int maxShift) {
    public ClassifierRunConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (training != null) {
            training.requireBatchSize();
        }
        if (maxShift < 0 || maxShift > 8) {
            throw new IllegalArgumentException("max_shift must be between 0 and 8, got " + maxShift);
        }
    }
}
