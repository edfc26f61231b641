package org.tbcm4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.Init;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.testing.WithManager;

/** The EMA averages trainable weights and copies buffers exactly. */
class EmaTest extends WithManager {
    /** A weight and a fixed sin table, as the DiT's positional embedding is. */
    private static final class WithBuffer extends Module {
        final Parameter weight = parameter("weight", Init.normal(1.0), 16);
        final Parameter table = buffer("table", Init.normal(1.0), 64);
    }

    private WithBuffer module(long seed) {
        WithBuffer module = new WithBuffer();
        module.initialize(m, DataType.FLOAT32, seed);
        return module;
    }

    @Test
    void aConstantBufferStaysBitIdenticalOverManyUpdates() {
        WithBuffer model = module(3);
        WithBuffer average = module(4);
        Ema ema = new Ema(model, average, 0.9995);
        float[] table = model.table.array().toFloatArray();
        for (long update = 1; update <= 10_000; update++) {
            ema.update(update);
        }
        // Averaging the buffer as a weight (d·a + (1 − d)·a in float32) moves it in its last bits.
        assertArrayEquals(table, average.table.array().toFloatArray());
    }

    @Test
    void trainableWeightsMoveTowardsTheModel() {
        WithBuffer model = module(3);
        WithBuffer average = module(4);
        Ema ema = new Ema(model, average, 0.5);
        float[] start = model.weight.array().toFloatArray();
        model.weight.array().addi(Scalars.add(model.weight.array().zerosLike(), 2.0));
        ema.update(100);
        // d = min(0.5, 101/110) = 0.5: halfway from the copied start to the new weights.
        float[] after = average.weight.array().toFloatArray();
        for (int i = 0; i < start.length; i++) {
            assertEquals(start[i] + 1.0f, after[i], 1e-6f);
        }
    }
}
