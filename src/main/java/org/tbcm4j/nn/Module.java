package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.util.Rng;

/**
 * A tree of named parameters. A module declares its parameters and children in its constructor;
 * {@link #initialize} then creates every array, each drawn from a generator derived from the seed
 * and the parameter's full name (so adding a module never changes the others' initial values).
 * Full names are dotted paths such as {@code blocks.3.attn.qkv.weight}, used by checkpoints.
 */
public abstract class Module {
    private final Map<String, Parameter> ownParameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected final Parameter parameter(String name, Init init, long... shape) {
        return register(name, new Parameter(new Shape(shape), init, true));
    }

    /** A fixed tensor saved with the module but never trained. */
    protected final Parameter buffer(String name, Init init, long... shape) {
        return register(name, new Parameter(new Shape(shape), init, false));
    }

    protected final <M extends Module> M child(String name, M module) {
        if (children.containsKey(name) || ownParameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name " + name);
        }
        children.put(name, module);
        return module;
    }

    private Parameter register(String name, Parameter p) {
        if (children.containsKey(name) || ownParameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name " + name);
        }
        ownParameters.put(name, p);
        return p;
    }

    /** Every parameter and buffer of the tree, by full dotted name, in declaration order. */
    public final Map<String, Parameter> parameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        collect("", all);
        return Collections.unmodifiableMap(all);
    }

    private void collect(String prefix, Map<String, Parameter> into) {
        ownParameters.forEach((name, p) -> into.put(prefix + name, p));
        children.forEach((name, m) -> m.collect(prefix + name + ".", into));
    }

    /** Creates every array in {@code manager}, of type {@code type}, deterministically from {@code seed}. */
    public final void initialize(NDManager manager, DataType type, long seed) {
        for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
            Parameter p = e.getValue();
            double[] values = p.init().values(Rng.of(seed, "init:" + e.getKey(), 0), p.shape());
            p.set(create(manager, values, p.shape(), type, p.trainable()));
        }
    }

    /** Number of trainable scalars. */
    public final long parameterCount() {
        return parameters().values().stream().filter(Parameter::trainable).mapToLong(p -> p.shape().size()).sum();
    }

    /** The type of the parameters (all share one). */
    public final DataType dataType() {
        return parameters().values().iterator().next().array().getDataType();
    }

    /** Converts every parameter to {@code type} in place, e.g. float64 for exact derivative checks. */
    public final void toType(DataType type) {
        for (Parameter p : parameters().values()) {
            NDArray old = p.array();
            NDArray cast = NativeArrays.persist(NativeArrays.copyAs(old, type), old.getManager());
            cast.setRequiresGradient(p.trainable() && old.hasGradient());
            p.set(cast);
        }
    }

    /** Copies the values of a module of the same structure (names and shapes must match). */
    public final void copyFrom(Module other) {
        Map<String, Parameter> mine = parameters();
        Map<String, Parameter> theirs = other.parameters();
        if (!mine.keySet().equals(theirs.keySet())) {
            throw new IllegalArgumentException("modules differ in parameter names");
        }
        for (Map.Entry<String, Parameter> e : mine.entrySet()) {
            NDArray src = theirs.get(e.getKey()).array();
            NDArray dst = e.getValue().array();
            NDArray copy = NativeArrays.persist(NativeArrays.copyAs(src, dst.getDataType()), dst.getManager());
            copy.setRequiresGradient(e.getValue().trainable() && dst.hasGradient());
            e.getValue().set(copy);
        }
    }

    /** Turns gradient tracking on or off for every trainable parameter (off for a frozen teacher). */
    public final void setTrainable(boolean on) {
        for (Parameter p : parameters().values()) {
            if (p.trainable()) {
                p.array().setRequiresGradient(on);
            }
        }
    }

    private static NDArray create(NDManager manager, double[] values, Shape shape, DataType type, boolean grad) {
        NDArray a;
        if (type == DataType.FLOAT64) {
            a = NativeArrays.of(manager, values, shape);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            a = NativeArrays.of(manager, f, shape);
            if (type != DataType.FLOAT32) {
                NDArray cast = a.toType(type, false);
                a.close();
                a = cast;
            }
        }
        a.setRequiresGradient(grad);
        return a;
    }
}
