package org.tbcm4j.train;

import org.tbcm4j.model.DiTConfig;

/**
 * configs/teacher.yaml.
 *
 * @param autoencoder the autoencoder whose scaled latents the teacher models
 * @param classDropout probability of training on the null class (for classifier-free guidance)
 * @param logitMean mean of the logit-normal flow time
 * @param logitStd standard deviation of the logit-normal flow time
 */
public record TeacherRunConfig(String name, long seed, String autoencoder, DiTConfig model, TrainingConfig training,
        double classDropout, double logitMean, double logitStd) {
    public TeacherRunConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (training != null) {
            training.requireBatchSize();
        }
        if (autoencoder == null || autoencoder.isBlank()) {
            throw new IllegalArgumentException("autoencoder (a model file) is required");
        }
        if (!(classDropout > 0 && classDropout < 1)) {
            throw new IllegalArgumentException("class_dropout must be in (0, 1), got " + classDropout);
        }
        if (!(logitStd > 0)) {
            throw new IllegalArgumentException("logit_std must be positive, got " + logitStd);
        }
    }
}
