package org.tbcm4j.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.tbcm4j.nn.AttentionKind;

/**
 * Shape of a latent DiT.
 *
 * @param channels latent channels in and out
 * @param imageSize latent height and width
 * @param patchSize patch edge (1: one token per latent pixel)
 * @param hidden token width
 * @param depth number of transformer blocks
 * @param heads attention heads
 * @param mlpRatio feed-forward width as a multiple of {@code hidden}
 * @param attention softmax or ReLU linear attention
 * @param qkNorm RMS-normalise queries and keys per head
 * @param numClasses class count; id {@code numClasses} is the null class used for guidance
 * @param frequencyDim size of the sinusoidal time features
 * @param timeScale the time embedding sees timeScale·τ with τ ∈ [0, 1] the flow time (Sana-Sprint: 1)
 */
public record DiTConfig(
        @JsonProperty("channels") int channels,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("patch_size") int patchSize,
        @JsonProperty("hidden") int hidden,
        @JsonProperty("depth") int depth,
        @JsonProperty("heads") int heads,
        @JsonProperty("mlp_ratio") double mlpRatio,
        @JsonProperty("attention") AttentionKind attention,
        @JsonProperty("qk_norm") boolean qkNorm,
        @JsonProperty("num_classes") int numClasses,
        @JsonProperty("frequency_dim") int frequencyDim,
        @JsonProperty("time_scale") double timeScale) {

    public DiTConfig {
        // upper bounds far above any model this runs, so that a file's stored config cannot make the loader
        // build and allocate a model of its choosing before its tensors are checked
        bounded("channels", channels, 1 << 10);
        bounded("image_size", imageSize, 1 << 12);
        bounded("patch_size", patchSize, imageSize);
        bounded("hidden", hidden, 1 << 14);
        bounded("depth", depth, 1 << 10);
        bounded("heads", heads, hidden);
        bounded("num_classes", numClasses, 1 << 20);
        bounded("frequency_dim", frequencyDim, 1 << 14);
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("model.image_size " + imageSize + " is not a multiple of model.patch_size " + patchSize);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("model.hidden " + hidden + " is not a multiple of model.heads " + heads);
        }
        if (hidden % 4 != 0 || frequencyDim % 2 != 0) {
            throw new IllegalArgumentException("model.hidden must be a multiple of 4 and model.frequency_dim even");
        }
        if (!(mlpRatio > 0 && mlpRatio <= 64)) {
            throw new IllegalArgumentException("model.mlp_ratio must be in (0, 64], got " + mlpRatio);
        }
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("model.time_scale must be positive, got " + timeScale);
        }
        if (attention == null) {
            throw new IllegalArgumentException("model.attention must be SOFTMAX or RELU_LINEAR");
        }
    }

    public int tokens() {
        int g = imageSize / patchSize;
        return g * g;
    }

    private static void bounded(String field, int value, int max) {
        if (value <= 0 || value > max) {
            throw new IllegalArgumentException("model." + field + " must be between 1 and " + max + ", got " + value);
        }
    }
}
