package org.tbcm4j.distill;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Student;

/**
 * How a run distils the teacher, chosen by the config's one key {@code method}: where the sCM loss's pairs
 * come from, the loss's settings, and any network of the method's own. Every method trains the same student
 * with the same consistency loss and optimizer, so comparing two of them compares only what their files
 * say. A method's own defaults that override the config are stated by {@link #ownSettings}, printed when a
 * run starts, never applied silently.
 */
public sealed interface Method permits Tbcm, DataScm, SanaSprint, TbcmDmd {
    /** The config values, in the order the docs list them. */
    List<String> KEYS = List.of(Tbcm.KEY, DataScm.KEY, SanaSprint.KEY, TbcmDmd.KEY);

    /** What an iteration of the method is made of; {@code auxiliary} may be null. */
    record Ingredients(PairSource source, LossSettings loss, Auxiliary auxiliary) {}

    /** The value of the config's {@code method} key. */
    String key();

    /** The method in a few words, for logs and tables. */
    String title();

    /** Whether it reads real images (then the run needs a dataset); an image-free method does not. */
    default boolean readsImages() {
        return false;
    }

    /**
     * Where the method departs from the config, in words ("" when nowhere): printed at the start of a run,
     * so that a setting the method overrides is never overridden silently.
     */
    default String ownSettings(DistillConfig cfg) {
        return "";
    }

    /** Builds the method's pairs, loss settings and own network for {@code student} distilled from {@code teacher}. */
    Ingredients build(DistillConfig cfg, DiT teacher, Student student, Dataset data, NDManager root);

    /** The method a config value names. */
    static Method of(String key) {
        return switch (key == null ? "" : key) {
            case Tbcm.KEY -> new Tbcm();
            case DataScm.KEY -> new DataScm();
            case SanaSprint.KEY -> new SanaSprint();
            case TbcmDmd.KEY -> new TbcmDmd();
            default -> throw new IllegalArgumentException("method must be one of " + String.join(", ", KEYS) + ", got "
                    + key);
        };
    }
}
