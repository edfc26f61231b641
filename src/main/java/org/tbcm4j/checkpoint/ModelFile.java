package org.tbcm4j.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.Json;

/**
 * A model file: one safetensors file whose metadata names the format, the kind of model and its config
 * (JSON), with the weights as {@code model.*} tensors. A training checkpoint is the same format with
 * more tensors ({@code ema.*}, {@code optim.*}) and a training state; loading inference weights from
 * one takes its EMA when it kept one. A file of another kind is refused, naming the file.
 */
public final class ModelFile {
    public static final String FORMAT = "tbcm4j/1";
    public static final String KEY_FORMAT = "format";
    public static final String KEY_KIND = "kind";
    public static final String KEY_CONFIG = "config";
    /** The fingerprint of the autoencoder whose latents a diffusion model learned (absent in older files). */
    public static final String KEY_AUTOENCODER = "autoencoder";
    public static final String MODEL = "model.";
    public static final String EMA = "ema.";
    /** A training checkpoint's optimizer moments, and its adversary's network and moments (LADD). */
    public static final String OPTIM = "optim.";
    public static final String ADVERSARY = "adversary.";
    public static final String ADVERSARY_OPTIM = "adversary_optim.";
    private static final java.util.List<String> PREFIXES = java.util.List.of(MODEL, EMA, OPTIM, ADVERSARY, ADVERSARY_OPTIM);

    private ModelFile() {}

    /**
     * Builds the model a file of {@code kind} describes (its stored config through {@code build}) and
     * loads its inference weights; the result is frozen (no gradients).
     */
    public static <C, M extends Module> M load(Path file, String kind, Class<C> configType, Function<C, M> build,
            NDManager manager) {
        SafetensorsHeader header = SafetensorsHeader.read(file);
        requireKind(file, header.metadata(), kind);
        requireKnownTensors(file, header);
        M model = build.apply(parse(file, header.metadata().get(KEY_CONFIG), configType, KEY_CONFIG));
        // the structure exists, no array yet: its tensors must be the file's before anything is allocated
        ModuleState.checkEntries(model, header, weightsPrefix(header), file);
        model.initialize(manager, DataType.FLOAT32, 0);
        loadWeights(file, header, kind, model, manager);
        model.setTrainable(false);
        return model;
    }

    /** Saves inference weights only: {@code weights} as {@code model.*}. */
    public static void write(Path file, String kind, Object config, Module weights) {
        write(file, kind, config, weights, Map.of());
    }

    /** The same with provenance metadata (e.g. {@link #KEY_AUTOENCODER}) beside the format, kind and config. */
    public static void write(Path file, String kind, Object config, Module weights, Map<String, String> provenance) {
        Map<String, String> meta = metadata(kind, config);
        meta.putAll(provenance);
        CheckpointFile.write(file, ModuleState.tensors(weights, MODEL), meta);
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
        loadWeights(file, SafetensorsHeader.read(file), kind, module, manager);
    }

    /** The same with the file's header already read (one parse per load). */
    private static void loadWeights(Path file, SafetensorsHeader header, String kind, Module module, NDManager manager) {
        requireKind(file, header.metadata(), kind);
        requireKnownTensors(file, header);
        String prefix = weightsPrefix(header);
        ModuleState.checkEntries(module, header, prefix, file);
        try (StepScope scope = StepScope.open(manager)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, header, scope.manager(),
                    name -> name.startsWith(prefix));
            ModuleState.load(module, c.tensors(), prefix, file);
        }
    }

    /** Refuses a tensor that belongs to no part of a model file or checkpoint, before anything is read. */
    public static void requireKnownTensors(Path file, SafetensorsHeader header) {
        for (SafetensorsHeader.Entry e : header.entries()) {
            if (PREFIXES.stream().noneMatch(e.name()::startsWith)) {
                throw new CheckpointException(file, "unexpected tensor " + e.name() + " (not part of a tbcm4j model or "
                        + "checkpoint)");
            }
        }
    }

    /** Where a file's inference weights are: its EMA when it kept one (a training checkpoint), else its model. */
    private static String weightsPrefix(SafetensorsHeader header) {
        return header.entries().stream().anyMatch(e -> e.name().startsWith(EMA)) ? EMA : MODEL;
    }

    /** The metadata of a model or checkpoint file, after checking its format and kind. */
    public static Map<String, String> metadata(Path file, String expectedKind) {
        Map<String, String> meta = SafetensorsHeader.read(file).metadata();
        requireKind(file, meta, expectedKind);
        return meta;
    }

    /** The kind stored in a model or checkpoint file. */
    public static String kindOf(Path file) {
        String kind = SafetensorsHeader.read(file).metadata().get(KEY_KIND);
        if (kind == null) {
            throw new CheckpointException(file, "not a tbcm4j model file (no kind in its metadata)");
        }
        return kind;
    }

    /** The metadata every model file and checkpoint starts with. */
    public static Map<String, String> metadata(String kind, Object config) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_KIND, kind);
        meta.put(KEY_CONFIG, Json.write(config));
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

    /** Refuses a file of another format or kind. */
    public static void requireKind(Path file, Map<String, String> meta, String expectedKind) {
        if (!FORMAT.equals(meta.get(KEY_FORMAT))) {
            throw new CheckpointException(file, "not a tbcm4j model or checkpoint (format " + meta.get(KEY_FORMAT) + ")");
        }
        String kind = meta.get(KEY_KIND);
        if (!expectedKind.equals(kind)) {
            throw new CheckpointException(file, "holds a " + kind + " model where a " + expectedKind + " is expected");
        }
    }
}
