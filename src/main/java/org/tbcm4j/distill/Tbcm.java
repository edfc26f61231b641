package org.tbcm4j.distill;

import ai.djl.ndarray.NDManager;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Student;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.util.Home;

/**
 * TBCM (train_tbcm.py): image-free. Each iteration rolls the teacher out from noise along a jittered
 * reference route and trains on every non-noise point of each rollout, with the teacher's velocity there;
 * the sCM loss as the config gives it, calm-down included; no network of its own.
 */
public record Tbcm() implements Method {
    public static final String KEY = "tbcm";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String title() {
        return "TBCM (trajectory pairs, image-free)";
    }

    @Override
    public Ingredients build(DistillConfig cfg, DiT teacher, Student student, Dataset data, NDManager root) {
        PairSource pairs = cfg.trajectoryStore() != null
                ? StorePairs.open(cfg, Home.resolve(cfg.trajectoryStore())) : pairs(cfg, teacher, root);
        return new Ingredients(pairs, cfg.loss(), null);
    }

    /** The online pairs: this config's prompts rolled out by {@code teacher}, iteration by iteration. */
    static TrajectoryPairs pairs(DistillConfig cfg, DiT teacher, NDManager root) {
        DegenerateFilter filter = null;
        if (cfg.filter() != null && cfg.filter().enabled()) {
            filter = new DegenerateFilter(BlankLatent.load(Home.resolve(cfg.filter().reference()), root),
                    cfg.filter().threshold());
        }
        TrajectoryPairs pairs = new TrajectoryPairs(teacher, new ReferenceRoute(cfg.routeSteps(), cfg.routeShift()),
                cfg.promptsPerIteration(), cfg.guidanceScales(), filter, cfg.seed(),
                new TrajectoryPairs.Options(cfg.route(), "one".equals(cfg.rolloutPoints()), cfg.rolloutStore()));
        return pairs;
    }
}
