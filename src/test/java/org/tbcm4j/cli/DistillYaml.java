package org.tbcm4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.tbcm4j.config.ConfigOverrides;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.util.Json;

/**
 * The miniature distillation config of the command-level tests (trajectory pairs, no filter, no evaluation),
 * written once: a test states only what it changes, as {@code --set} assignments.
 */
final class DistillYaml {
    private DistillYaml() {}

    static String tiny(Path teacher, int steps) {
        return "name: d\nseed: 5\nteacher: " + teacher + "\nmethod: tbcm\n"
                + "prompts_per_iteration: 2\nroute_steps: 4\nroute_shift: 2.5\nguidance_scales: [1.5]\n"
                + "student:\n  guidance_input_scale: 0.1\nfilter:\n  enabled: false\n  threshold: 1.0\n  reference: none\n"
                + "data_pairs: null\nloss:\n  tangent_warmup: 2\n"
                + "  calm_down: true\n  calm_down_start: 3\n  calm_down_steps: 1\n  final_r: 0.75\n  norm_constant: 0.1\n"
                + "training:\n  steps: " + steps + "\n  lr: 1.0e-4\n  warmup_steps: 1\n  cosine_decay: false\n"
                + "  weight_decay: 0.0\n  clip_norm: 0.1\n  ema_decay: 0.0\n  checkpoint_every: 2\n  log_every: 1\n"
                + "  eval_every: 0\n  snapshot_every: 0\nevaluation: null\n";
    }

    /** The tiny config with {@code sets} applied as {@code --set} would apply them (checked against the schema). */
    static String tiny(Path teacher, int steps, String... sets) {
        try {
            ObjectNode tree = (ObjectNode) Json.YAML.readTree(tiny(teacher, steps));
            return Json.YAML.writeValueAsString(ConfigOverrides.apply(tree, List.of(sets), DistillConfig.class));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The data methods' section, reading images through {@code autoencoder}. */
    static String dataPairs(Path autoencoder) {
        return "data_pairs={p_mean: 0.2, p_std: 1.6, autoencoder: " + autoencoder + "}";
    }
}
