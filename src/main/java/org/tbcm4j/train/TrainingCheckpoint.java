package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.checkpoint.ModuleState;
import org.tbcm4j.checkpoint.SafetensorsHeader;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.Json;

/**
 * A resumable training checkpoint: a {@link ModelFile} whose tensors are {@code model.*}, optionally
 * {@code ema.*} and the optimizer's moments {@code optim.*}, and whose metadata adds the
 * {@link TrainingState}.
 */
public final class TrainingCheckpoint {
    public static final String KEY_STATE = "state";
    static final String OPTIM = ModelFile.OPTIM;
    static final String ADVERSARY = ModelFile.ADVERSARY;
    static final String ADVERSARY_OPTIM = ModelFile.ADVERSARY_OPTIM;

    /** An adversary's network and optimizer, saved and restored beside the model's (may be absent). */
    public record AdversaryState(Module model, AdamW optimizer) {}

    private TrainingCheckpoint() {}

    /** Saves everything a resumed run needs. {@code ema} and {@code optimizer} may be null. */
    public static void save(Path file, String kind, Object config, Module model, Module ema, AdamW optimizer,
            TrainingState state) {
        save(file, kind, config, model, ema, optimizer, null, state);
    }

    /** The same with an adversary's network and optimizer ({@code adversary} may be null). */
    public static void save(Path file, String kind, Object config, Module model, Module ema, AdamW optimizer,
            AdversaryState adversary, TrainingState state) {
        save(file, kind, config, model, ema, optimizer, adversary, state, Map.of());
    }

    /** The same with provenance metadata (see {@link ModelFile#KEY_AUTOENCODER}). */
    public static void save(Path file, String kind, Object config, Module model, Module ema, AdamW optimizer,
            AdversaryState adversary, TrainingState state, Map<String, String> provenance) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(ModuleState.tensors(model, ModelFile.MODEL));
        if (ema != null) {
            tensors.putAll(ModuleState.tensors(ema, ModelFile.EMA));
        }
        if (optimizer != null) {
            optimizer.state().forEach((k, a) -> tensors.put(OPTIM + k, a));
        }
        if (adversary != null) {
            tensors.putAll(ModuleState.tensors(adversary.model(), ADVERSARY));
            adversary.optimizer().state().forEach((k, a) -> tensors.put(ADVERSARY_OPTIM + k, a));
        }
        Map<String, String> meta = ModelFile.metadata(kind, config);
        meta.putAll(provenance);
        meta.put(KEY_STATE, Json.write(state));
        CheckpointFile.write(file, tensors, meta);
    }

    /**
     * Restores model, EMA and optimizer from a checkpoint written by {@link #save}, after checking its
     * kind; returns the saved state. Arrays read from disk live only for the duration of the call.
     */
    public static TrainingState restore(Path file, String kind, Module model, Module ema, AdamW optimizer,
            NDManager manager) {
        return restore(file, kind, model, ema, optimizer, null, manager);
    }

    /** The same with an adversary ({@code adversary} may be null). */
    public static TrainingState restore(Path file, String kind, Module model, Module ema, AdamW optimizer,
            AdversaryState adversary, NDManager manager) {
        SafetensorsHeader header = SafetensorsHeader.read(file);
        ModelFile.requireKind(file, header.metadata(), kind);
        // every tensor accounted for before any is read: the modules' by name and shape, the rest by prefix
        ModuleState.checkEntries(model, header, ModelFile.MODEL, file);
        List<String> prefixes = new ArrayList<>(List.of(ModelFile.MODEL));
        if (ema != null) {
            ModuleState.checkEntries(ema, header, ModelFile.EMA, file);
            prefixes.add(ModelFile.EMA);
        }
        if (optimizer != null) {
            prefixes.add(OPTIM);
        }
        if (adversary != null) {
            ModuleState.checkEntries(adversary.model(), header, ADVERSARY, file);
            prefixes.addAll(List.of(ADVERSARY, ADVERSARY_OPTIM));
        }
        for (SafetensorsHeader.Entry e : header.entries()) {
            if (prefixes.stream().noneMatch(e.name()::startsWith)) {
                throw new CheckpointException(file, "unexpected tensor " + e.name() + " (not part of this run's state)");
            }
        }
        try (StepScope scope = StepScope.open(manager)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, scope.manager(), name -> true);
            ModuleState.load(model, c.tensors(), ModelFile.MODEL, file);
            if (ema != null) {
                ModuleState.load(ema, c.tensors(), ModelFile.EMA, file);
            }
            TrainingState state = ModelFile.parse(file, c.metadata().get(KEY_STATE), TrainingState.class, KEY_STATE);
            if (optimizer != null) {
                restoreOptimizer(file, optimizer, c.tensors(), OPTIM, state.updates(), state.skipped());
            }
            if (adversary != null) {
                ModuleState.load(adversary.model(), c.tensors(), ADVERSARY, file);
                restoreOptimizer(file, adversary.optimizer(), c.tensors(), ADVERSARY_OPTIM, state.adversaryUpdates(),
                        state.adversarySkipped());
            }
            return state;
        }
    }

    /**
     * Refuses a checkpoint whose stored model config is not {@code config} (the run's own): its metadata
     * is checked, not trusted, before its tensors are read.
     */
    public static void requireModelConfig(Path file, String kind, Object config) {
        String stored = ModelFile.metadata(file, kind).get(ModelFile.KEY_CONFIG);
        com.fasterxml.jackson.databind.JsonNode saved;
        try {
            // parsed and written again, so that optional keys a file predates compare as their defaults
            saved = stored == null ? null : Json.JSON.valueToTree(Json.JSON.readValue(stored, config.getClass()));
        } catch (java.io.IOException | IllegalArgumentException e) {
            saved = null;
        }
        if (saved == null || !saved.equals(Json.JSON.valueToTree(config))) {
            throw new CheckpointException(file, "its stored model config is not this run's " + Json.write(config));
        }
    }

    private static void restoreOptimizer(Path file, AdamW optimizer, Map<String, NDArray> tensors, String prefix,
            long updates, long skipped) {
        Map<String, NDArray> moments = new LinkedHashMap<>();
        tensors.forEach((k, a) -> {
            if (k.startsWith(prefix)) {
                long bad = NativeArrays.nonFiniteCount(a);
                if (bad > 0) {
                    throw new CheckpointException(file, "tensor " + k + " has " + bad + " non-finite values (NaN or ±inf)");
                }
                moments.put(k.substring(prefix.length()), a);
            }
        });
        try {
            optimizer.restore(moments, updates, skipped);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, e.getMessage());
        }
    }
}
