package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.Json;

/**
 * A resumable training checkpoint: tensors {@code model.*}, optionally {@code ema.*} and the
 * optimizer's moments {@code optim.*}, with metadata giving the file format, the kind of model, its
 * config (JSON) and the {@link TrainingState}. A shipped model file is the same format with only
 * {@code model.*} tensors (the EMA weights when training kept them).
 */
public final class TrainingCheckpoint {
    public static final String FORMAT = "tbcm4j/1";
    public static final String KEY_FORMAT = "format";
    public static final String KEY_KIND = "kind";
    public static final String KEY_CONFIG = "config";
    public static final String KEY_STATE = "state";
    static final String MODEL = "model.";
    static final String EMA = "ema.";
    static final String OPTIM = "optim.";

    private TrainingCheckpoint() {}

    /** Saves everything a resumed run needs. {@code ema} and {@code optimizer} may be null. */
    public static void save(Path file, String kind, Object config, Module model, Module ema, AdamW optimizer,
            TrainingState state) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(ModuleState.tensors(model, MODEL));
        if (ema != null) {
            tensors.putAll(ModuleState.tensors(ema, EMA));
        }
        if (optimizer != null) {
            optimizer.state().forEach((k, a) -> tensors.put(OPTIM + k, a));
        }
        Map<String, String> meta = metadata(kind, config);
        meta.put(KEY_STATE, Json.write(state));
        CheckpointFile.write(file, tensors, meta);
    }

    /** Saves inference weights only: {@code weights} (EMA or raw) as {@code model.*}. */
    public static void exportModel(Path file, String kind, Object config, Module weights) {
        CheckpointFile.write(file, ModuleState.tensors(weights, MODEL), metadata(kind, config));
    }

    /**
     * Restores model, EMA and optimizer from a checkpoint written by {@link #save}, after checking its
     * kind; returns the saved state. Arrays read from disk live only for the duration of the call.
     */
    public static TrainingState restore(Path file, String kind, Module model, Module ema, AdamW optimizer,
            NDManager manager) {
        try (StepScope scope = StepScope.open(manager)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, scope.manager());
            requireKind(file, c.metadata(), kind);
            ModuleState.load(model, c.tensors(), MODEL, file);
            if (ema != null) {
                ModuleState.load(ema, c.tensors(), EMA, file);
            }
            TrainingState state = parse(file, c.metadata().get(KEY_STATE), TrainingState.class, KEY_STATE);
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

    /** The model config stored in a model or checkpoint file of the given kind. */
    public static <C> C config(Path file, String kind, Class<C> type) {
        return parse(file, metadata(file, kind).get(KEY_CONFIG), type, KEY_CONFIG);
    }

    /**
     * Loads inference weights into {@code module}: a model file's {@code model.*}, or from a training
     * checkpoint its {@code ema.*} when it kept an EMA (else {@code model.*}).
     */
    public static void loadWeights(Path file, String kind, Module module, NDManager manager) {
        try (StepScope scope = StepScope.open(manager)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, scope.manager());
            requireKind(file, c.metadata(), kind);
            boolean hasEma = c.tensors().keySet().stream().anyMatch(k -> k.startsWith(EMA));
            ModuleState.load(module, c.tensors(), hasEma ? EMA : MODEL, file);
        }
    }

    /** The metadata of a model or checkpoint file, after checking its format and kind. */
    public static Map<String, String> metadata(Path file, String expectedKind) {
        Map<String, String> meta = SafetensorsHeader.read(file).metadata();
        requireKind(file, meta, expectedKind);
        return meta;
    }

    /** Parses a JSON metadata value, naming the file and key on failure. */
    public static <T> T parse(Path file, String json, Class<T> type, String key) {
        if (json == null) {
            throw new CheckpointException(file, "metadata lacks '" + key + "'");
        }
        try {
            return Json.JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "metadata '" + key + "' is invalid (" + e.getOriginalMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "metadata '" + key + "' is invalid (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> metadata(String kind, Object config) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_KIND, kind);
        meta.put(KEY_CONFIG, Json.write(config));
        return meta;
    }

    private static void requireKind(Path file, Map<String, String> meta, String expectedKind) {
        if (!FORMAT.equals(meta.get(KEY_FORMAT))) {
            throw new CheckpointException(file, "not a tbcm4j model or checkpoint (format " + meta.get(KEY_FORMAT) + ")");
        }
        String kind = meta.get(KEY_KIND);
        if (!expectedKind.equals(kind)) {
            throw new CheckpointException(file, "holds a " + kind + " model where a " + expectedKind + " is expected");
        }
    }
}
