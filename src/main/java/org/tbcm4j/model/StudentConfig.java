package org.tbcm4j.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The student: the teacher's DiT plus a guidance-scale embedding and a logvar head.
 *
 * @param backbone the teacher's DiT shape
 * @param guidanceInputScale the guidance embedding sees guidanceInputScale·w (Sana-Sprint: 0.1)
 */
public record StudentConfig(@JsonProperty("backbone") DiTConfig backbone,
        @JsonProperty("guidance_input_scale") double guidanceInputScale) {
    public StudentConfig {
        if (backbone == null) {
            throw new IllegalArgumentException("student.backbone is required");
        }
        if (!(guidanceInputScale > 0)) {
            throw new IllegalArgumentException("student.guidance_input_scale must be positive, got " + guidanceInputScale);
        }
    }
}
