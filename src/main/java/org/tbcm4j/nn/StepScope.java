package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * One training (or sampling) step's native memory: a sub-manager for its inputs plus an
 * {@link NDScope} that closes every array created during the step, whichever manager an op put it
 * in (an op's result belongs to its first operand's manager, so a reshaped parameter would
 * otherwise outlive the step). Arrays that must outlive the step are passed to {@link #keep}.
 */
public final class StepScope implements AutoCloseable {
    private final NDManager parent;
    private final NDManager manager;
    private final NDScope scope;

    private StepScope(NDManager parent) {
        this.parent = parent;
        this.manager = parent.newSubManager();
        this.scope = new NDScope();
    }

    public static StepScope open(NDManager parent) {
        return new StepScope(parent);
    }

    /** The manager for this step's inputs. */
    public NDManager manager() {
        return manager;
    }

    /** Lets {@code array} outlive the step, owned by the parent manager. */
    public NDArray keep(NDArray array) {
        return NativeArrays.persist(array, parent);
    }

    @Override
    public void close() {
        scope.close();
        manager.close();
    }
}
