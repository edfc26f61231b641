package org.tbcm4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.Parameter;

/**
 * A module's parameters as named tensors under a prefix, and their checked restoration. Restored
 * values are libtorch-owned copies that replace the parameters' arrays (NDArray.set(Buffer) would make
 * a parameter's storage a Java buffer).
 */
public final class ModuleState {
    private ModuleState() {}

    /** The module's arrays keyed {@code prefix + name} (live arrays, not copies). */
    public static Map<String, NDArray> tensors(Module module, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        module.parameters().forEach((name, p) -> out.put(prefix + name, p.array()));
        return out;
    }

    /**
     * Copies the tensors under {@code prefix} into the module. Every parameter must be present with its
     * exact shape and no unknown name may appear; the first mismatch is reported, naming the file.
     */
    public static void load(Module module, Map<String, NDArray> tensors, String prefix, Path file) {
        Map<String, Parameter> params = module.parameters();
        for (String key : tensors.keySet()) {
            if (key.startsWith(prefix) && !params.containsKey(key.substring(prefix.length()))) {
                throw new CheckpointException(file, "unexpected tensor " + key + " (not a parameter of this model)");
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray saved = tensors.get(prefix + e.getKey());
            if (saved == null) {
                throw new CheckpointException(file, "missing tensor " + prefix + e.getKey());
            }
            Shape expected = e.getValue().shape();
            if (!saved.getShape().equals(expected)) {
                throw new CheckpointException(file, "tensor " + prefix + e.getKey() + " has shape " + saved.getShape()
                        + " but the model expects " + expected);
            }
            // NaN or ±inf anywhere would flow silently into every sample and every student trained from it
            long nonFinite = saved.isNaN().logicalOr(saved.isInfinite()).countNonzero().getLong();
            if (nonFinite > 0) {
                throw new CheckpointException(file, "tensor " + prefix + e.getKey() + " has " + nonFinite
                        + " non-finite value" + (nonFinite == 1 ? "" : "s") + " (NaN or ±inf)");
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray target = e.getValue().array();
            NDArray copy = NativeArrays.copyAs(tensors.get(prefix + e.getKey()), target.getDataType());
            NativeArrays.persist(copy, target.getManager());
            copy.setRequiresGradient(target.hasGradient());
            e.getValue().set(copy);
        }
    }
}
