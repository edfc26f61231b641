package org.tbcm4j.cli;

import java.nio.file.Path;

/** A miniature distillation config (trajectory pairs, no filter, no evaluation) for command-level tests. */
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
}
