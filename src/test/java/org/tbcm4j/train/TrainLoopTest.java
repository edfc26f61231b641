package org.tbcm4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Rng;

class TrainLoopTest extends WithManager {
    private static final DiTConfig CONFIG = new DiTConfig(4, 4, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);
    private static final TrainingConfig TRAINING = new TrainingConfig(8, 4, 1e-2, 2, true, 0.01, 1.0, 0.9, 3, 2, 4, 0, null, null);

    @TempDir
    Path tmp;

    /** Regression of random targets by a tiny DiT: fast, and every step draws from the step's RNG. */
    private static final class ToyTask implements TrainingTask {
        private final DiT model;

        ToyTask(DiT model) {
            this.model = model;
        }

        @Override
        public int examplesPerStep() {
            return 4;
        }

        @Override
        public List<String> metricNames() {
            return List.of("loss");
        }

        @Override
        public StepLoss loss(long step, NDManager manager) {
            Rng rng = Rng.of(5, "toy", step);
            NDArray x = Tensors.normal(manager, rng, new Shape(4, 4, 4, 4), DataType.FLOAT32, 1);
            NDArray tau = Tensors.uniform(manager, rng, new Shape(4), DataType.FLOAT32, 0, 1);
            NDArray ids = org.tbcm4j.nn.NativeArrays.of(manager, new long[] {0, 3, 9, 10}, new Shape(4));
            NDArray loss = model.forward(Dual.of(x), Dual.of(tau), ids).value().sub(x).square().mean();
            return new StepLoss(loss, Map.of("loss", loss));
        }

        @Override
        public List<String> evaluationNames() {
            return List.of("weight_norm");
        }

        @Override
        public Map<String, Double> evaluate(long step, Module weights, NDManager manager) {
            NDArray w = weights.parameters().get("x_embedder.weight").array();
            return Map.of("weight_norm", w.square().sum().toType(DataType.FLOAT64, false).getDouble());
        }
    }

    private TrainLoop.Outcome train(Path run, boolean resume, long stopAfter, DiT[] out) {
        DiT model = new DiT(CONFIG);
        model.initialize(m, DataType.FLOAT32, 1);
        DiT ema = new DiT(CONFIG);
        ema.initialize(m, DataType.FLOAT32, 1);
        out[0] = model;
        out[1] = ema;
        return new TrainLoop(new RunDirectory(run), "teacher", CONFIG, TRAINING, 7)
                .run(model, ema, new ToyTask(model), resume, stopAfter, m);
    }

    @Test
    void anInterruptedRunResumesToTheSameEndAsAnUninterruptedOne() throws IOException {
        DiT[] straight = new DiT[2];
        TrainLoop.Outcome full = train(tmp.resolve("straight"), false, 0, straight);
        assertTrue(full.finished());
        DiT[] first = new DiT[2];
        TrainLoop.Outcome part = train(tmp.resolve("resumed"), false, 5, first);
        assertFalse(part.finished());
        assertFalse(Files.exists(tmp.resolve("resumed/model.safetensors")), "no final model before the end");
        DiT[] second = new DiT[2];
        TrainLoop.Outcome rest = train(tmp.resolve("resumed"), true, 0, second);
        assertEquals(6, rest.firstStep(), "resumes after the checkpoint saved when it stopped at step 5");
        for (int k = 0; k < 2; k++) {
            for (var e : straight[k].parameters().entrySet()) {
                assertArrayEquals(e.getValue().array().toFloatArray(),
                        second[k].parameters().get(e.getKey()).array().toFloatArray(), (k == 0 ? "model " : "ema ") + e.getKey());
            }
        }
        // metrics.csv: each step at most once, in order; every row of the uninterrupted run is there, equal
        // in loss and evaluation wherever its averaging window did not straddle the stop (only step 6's did);
        // the stopped run adds the partial row it wrote at step 5.
        Map<String, String[]> a = rowsByStep(tmp.resolve("straight/metrics.csv"));
        Map<String, String[]> b = rowsByStep(tmp.resolve("resumed/metrics.csv"));
        assertEquals(List.of("2", "4", "6", "8"), List.copyOf(a.keySet()));
        assertEquals(List.of("2", "4", "5", "6", "8"), List.copyOf(b.keySet()));
        for (String step : List.of("2", "4", "8")) {
            assertEquals(a.get(step)[1], b.get(step)[1], "loss at step " + step);
            String[] ra = a.get(step);
            String[] rb = b.get(step);
            assertEquals(ra[ra.length - 1], rb[rb.length - 1], "evaluation at step " + step);
        }
        assertTrue(Files.exists(tmp.resolve("resumed/model.safetensors")));
    }

    private static Map<String, String[]> rowsByStep(Path csv) throws IOException {
        Map<String, String[]> rows = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] cells = line.split(",", -1);
            assertEquals(null, rows.put(cells[0], cells), "step " + cells[0] + " appears twice");
        }
        return rows;
    }

    @Test
    void refusesToOverwriteOrToResumeNothing() {
        DiT[] models = new DiT[2];
        train(tmp.resolve("run"), false, 3, models);
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> train(tmp.resolve("run"), false, 0, models));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> train(tmp.resolve("empty"), true, 0, models));
        assertTrue(none.getMessage().startsWith("nothing to resume"), none.getMessage());
    }
}
