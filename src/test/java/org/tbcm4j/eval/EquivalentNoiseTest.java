package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

class EquivalentNoiseTest extends WithManager {
    @Test
    void onADiffusionPathTheEquivalentNoiseIsTheAddedNoise() {
        Shape shape = new Shape(64, 4, 7, 7);
        NDArray x0 = Tensors.normal(m, Rng.of(1, "x0", 0), shape, DataType.FLOAT64, TrigFlow.SIGMA_D);
        NDArray z = Tensors.normal(m, Rng.of(1, "z", 0), shape, DataType.FLOAT64, TrigFlow.SIGMA_D);
        double[] times = new double[64];
        for (int i = 0; i < times.length; i++) {
            times[i] = 0.05 + 1.5 * i / 63.0;
        }
        NDArray t = NativeArrays.of(m, times, new Shape(64));
        NDArray zHat = EquivalentNoise.of(TrigFlow.noise(x0, z, t), t, x0);
        assertEquals(0.0, zHat.sub(z).abs().max().getDouble(), 1e-12);
        // σ_d-scaled Gaussian noise of 196 values: norm ratio 1 ± 0.05, cosine with independent data 0 ± 0.07.
        double ratio = java.util.Arrays.stream(EquivalentNoise.normRatio(zHat)).average().orElseThrow();
        assertEquals(1.0, ratio, 0.02);
        double cos = java.util.Arrays.stream(EquivalentNoise.cosine(zHat, x0)).average().orElseThrow();
        assertEquals(0.0, cos, 0.03);
    }

    @Test
    void cosineAndErrorOnKnownVectors() {
        NDArray a = NativeArrays.of(m, new double[] {1, 0, 3, 4}, new Shape(2, 2));
        NDArray b = NativeArrays.of(m, new double[] {2, 0, -3, -4}, new Shape(2, 2));
        assertArrayEquals(new double[] {1, -1}, EquivalentNoise.cosine(a, b), 1e-12);
        // Mean squared difference over 2 values, divided by σ_d² = 0.25: (1 + 0)/2/0.25 and (36 + 64)/2/0.25.
        assertArrayEquals(new double[] {2, 200}, EquivalentNoise.meanSquaredError(a, b), 1e-12);
        // ‖(3, 4)‖ = 5 over σ_d·√2.
        assertEquals(5 / (0.5 * Math.sqrt(2)), EquivalentNoise.normRatio(a)[1], 1e-12);
    }
}
