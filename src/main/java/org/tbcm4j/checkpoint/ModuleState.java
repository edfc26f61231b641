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
     * Checks a file's table of tensors under {@code prefix} against the module before anything is read or
     * allocated: the same names, each with the module's shape, in a floating-point type. A stored config
     * that disagrees with its own tensors, or a tensor the model does not have, costs no more than the header.
     */
    public static void checkEntries(Module module, SafetensorsHeader header, String prefix, Path file) {
        Map<String, Parameter> params = module.parameters();
        Map<String, SafetensorsHeader.Entry> entries = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) {
            if (e.name().startsWith(prefix)) {
                String name = e.name().substring(prefix.length());
                if (!params.containsKey(name)) {
                    throw new CheckpointException(file, "unexpected tensor " + e.name() + " (not a parameter of this model)");
                }
                entries.put(name, e);
            }
        }
        for (Map.Entry<String, Parameter> p : params.entrySet()) {
            SafetensorsHeader.Entry e = entries.get(p.getKey());
            if (e == null) {
                throw new CheckpointException(file, "missing tensor " + prefix + p.getKey());
            }
            Shape stored = new Shape(e.shape());
            if (!stored.equals(p.getValue().shape())) {
                throw new CheckpointException(file, "tensor " + e.name() + " has shape " + stored + " but the model "
                        + "expects " + p.getValue().shape());
            }
            if (!e.dtype().equals("F32") && !e.dtype().equals("F64")) {
                throw new CheckpointException(file, "tensor " + e.name() + " is " + e.dtype() + ", not F32 or F64");
            }
        }
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
            long nonFinite = NativeArrays.nonFiniteCount(saved);
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
