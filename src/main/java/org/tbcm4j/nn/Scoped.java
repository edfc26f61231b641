package org.tbcm4j.nn;

import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs a layer and frees every array it created except its output. DJL frees an array only when its
 * manager or scope closes, so without this a pass holds all its temporaries until the step ends (a
 * DiT at batch 128 peaked above 6 GiB). Safe under autograd: the graph keeps its own references to
 * the tensors backward needs; closing our handles only drops ours.
 */
public final class Scoped {
    private Scoped() {}

    public static Dual call(Supplier<Dual> layer) {
        Dual out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = layer.get();
            NDScope.unregister(out.value());
            if (out.hasTangent()) {
                NDScope.unregister(out.tangent());
            }
        }
        // Hand the output to the enclosing scope, if any, so that scopes nest.
        NDScope.register(out.value());
        if (out.hasTangent()) {
            NDScope.register(out.tangent());
        }
        return out;
    }
}
