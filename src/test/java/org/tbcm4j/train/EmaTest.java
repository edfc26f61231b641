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
        Ema ema = new Ema(model, average, 0.9995, TrainingConfig.DEFAULT_EMA_WARMUP);
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
        Ema ema = new Ema(model, average, 0.5, TrainingConfig.DEFAULT_EMA_WARMUP);
        float[] start = model.weight.array().toFloatArray();
        model.weight.array().addi(Scalars.add(model.weight.array().zerosLike(), 2.0));
        ema.update(100);
        // d = min(0.5, 101/110) = 0.5: halfway from the copied start to the new weights.
        float[] after = average.weight.array().toFloatArray();
        for (int i = 0; i < start.length; i++) {
            assertEquals(start[i] + 1.0f, after[i], 1e-6f);
        }
    }

    @Test
    void theWarmUpHoldsTheDecayBelowItsSetValueUntilItIsTurnedOff() {
        WithBuffer model = module(3);
        Ema usual = new Ema(model, module(4), 0.99, TrainingConfig.DEFAULT_EMA_WARMUP);
        // (1 + n)/(10 + n) reaches 0.99 only at n = 890.
        assertEquals(101.0 / 110.0, usual.decay(100), 1e-15);
        assertEquals(881.0 / 890.0, usual.decay(880), 1e-15);
        assertEquals(0.99, usual.decay(900), 1e-15);
        Ema off = new Ema(model, module(5), 0.99, 1);
        assertEquals(0.99, off.decay(0), 1e-15);
        assertEquals(0.99, off.decay(1), 1e-15);
        Ema shorter = new Ema(model, module(6), 0.99, 2);
        assertEquals(0.5, shorter.decay(0), 1e-15);
        assertEquals(0.99, shorter.decay(98), 1e-15);
        assertEquals(98.0 / 99.0, shorter.decay(97), 1e-15);
    }

    @Test
    void aWarmUpBelowOneIsRefused() {
        WithBuffer model = module(3);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Ema(model, module(4), 0.99, 0.5));
    }
}
