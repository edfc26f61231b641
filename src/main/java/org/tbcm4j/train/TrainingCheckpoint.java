package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.checkpoint.ModuleState;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.Json;

/**
 * A resumable training checkpoint: a {@link ModelFile} whose tensors are {@code model.*}, optionally
 * {@code ema.*} and the optimizer's moments {@code optim.*}, and whose metadata adds the
 * {@link TrainingState}.
 */
public final class TrainingCheckpoint {
    public static final String KEY_STATE = "state";
    static final String OPTIM = "optim.";

    private TrainingCheckpoint() {}

    /** Saves everything a resumed run needs. {@code ema} and {@code optimizer} may be null. */
    public static void save(Path file, String kind, Object config, Module model, Module ema, AdamW optimizer,
            TrainingState state) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(ModuleState.tensors(model, ModelFile.MODEL));
        if (ema != null) {
            tensors.putAll(ModuleState.tensors(ema, ModelFile.EMA));
        }
        if (optimizer != null) {
            optimizer.state().forEach((k, a) -> tensors.put(OPTIM + k, a));
        }
        Map<String, String> meta = ModelFile.metadata(kind, config);
        meta.put(KEY_STATE, Json.write(state));
        CheckpointFile.write(file, tensors, meta);
    }

    /**
     * Restores model, EMA and optimizer from a checkpoint written by {@link #save}, after checking its
     * kind; returns the saved state. Arrays read from disk live only for the duration of the call.
     */
    public static TrainingState restore(Path file, String kind, Module model, Module ema, AdamW optimizer,
            NDManager manager) {
        try (StepScope scope = StepScope.open(manager)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, scope.manager());
            ModelFile.requireKind(file, c.metadata(), kind);
            ModuleState.load(model, c.tensors(), ModelFile.MODEL, file);
            if (ema != null) {
                ModuleState.load(ema, c.tensors(), ModelFile.EMA, file);
            }
            TrainingState state = ModelFile.parse(file, c.metadata().get(KEY_STATE), TrainingState.class, KEY_STATE);
            if (optimizer != null) {
                Map<String, NDArray> moments = new LinkedHashMap<>();
                c.tensors().forEach((k, a) -> {
                    if (k.startsWith(OPTIM)) {
                        moments.put(k.substring(OPTIM.length()), a);
                    }
                });
                try {
                    optimizer.restore(moments, state.updates(), state.skipped());
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException(file, e.getMessage());
                }
            }
            return state;
        }
    }
}
