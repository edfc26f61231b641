package org.tbcm4j.train;

import org.tbcm4j.model.AutoencoderConfig;

/**
 * configs/autoencoder.yaml.
 *
 * @param klWeight weight of the mean KL term against the mean squared reconstruction error
 * @param scaleSamples training images encoded to estimate the latent scale factor
 */
public record AutoencoderRunConfig(String name, long seed, AutoencoderConfig model, TrainingConfig training,
        double klWeight, int scaleSamples) {
    public AutoencoderRunConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (training != null) {
            training.requireBatchSize();
        }
        if (!(klWeight >= 0)) {
            throw new IllegalArgumentException("kl_weight must be at least 0, got " + klWeight);
        }
        if (scaleSamples < 100) {
            throw new IllegalArgumentException("scale_samples must be at least 100, got " + scaleSamples);
        }
    }
}
