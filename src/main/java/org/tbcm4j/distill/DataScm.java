package org.tbcm4j.distill;

import ai.djl.ndarray.NDManager;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Student;

/**
 * The data-based sCM baseline (Sana-Sprint's sCM without LADD, tbcm-method.md §3.1): real images encoded
 * and noised to t = atan(exp(N(p_mean, p_std²))/σ_d), with the teacher's velocity there. r warms up and
 * stays at 1: Sana-Sprint's sCM has no calm-down, so this method turns the config's calm-down off.
 */
public record DataScm() implements Method {
    public static final String KEY = "scm";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String title() {
        return "sCM (data pairs)";
    }

    @Override
    public boolean readsImages() {
        return true;
    }

    @Override
    public String ownSettings(DistillConfig cfg) {
        return withoutCalmDown(cfg, KEY);
    }

    @Override
    public Ingredients build(DistillConfig cfg, DiT teacher, Student student, Dataset data, NDManager root) {
        return new Ingredients(DataPairs.of(cfg, teacher, data, 1, root), cfg.loss().withoutCalmDown(), null);
    }

    /** The line that says a data method ignores the config's calm-down (Sana-Sprint's sCM has none). */
    static String withoutCalmDown(DistillConfig cfg, String method) {
        return cfg.loss().calmDown() ? "method " + method + " keeps r at 1 after its warm-up (Sana-Sprint's sCM has no "
                + "calm-down): loss.calm_down: true is not used" : "";
    }
}
