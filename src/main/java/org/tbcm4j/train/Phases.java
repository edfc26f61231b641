package org.tbcm4j.train;

import java.util.function.Supplier;

/**
 * The named parts of one training iteration (the pairs, the student's pass, its backward, the optimizer
 * step, ...), as the loop and its task run them. Training ignores them ({@link #NONE}); {@code bench
 * iteration} times and measures each on the real iteration. Phases may nest (a task's pairs inside the loop's
 * loss); the observer sees each when it ends.
 */
@FunctionalInterface
public interface Phases {
    /** Runs nothing around the body. */
    Phases NONE = new Phases() {
        @Override
        public <T> T run(String name, Supplier<T> body) {
            return body.get();
        }
    };

    /** Runs {@code body} as the phase {@code name} and returns its result. */
    <T> T run(String name, Supplier<T> body);

    /** A phase without a result. */
    default void run(String name, Runnable body) {
        run(name, () -> {
            body.run();
            return null;
        });
    }
}
