package org.tbcm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.util.Backend;

/** Arrays that enter autograd graphs must own native memory, or garbage collection corrupts gradients. */
class NativeArraysTest {

    /** Collects garbage and refills freed small native blocks with 0xFF bytes (a NaN pattern). */
    private static void churn() {
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 20000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 8) * 4);
                while (b.hasRemaining()) {
                    b.put((byte) 0xFF);
                }
                junk.add(b);
            }
        }
        junk.clear();
    }

    @Test
    void scalarOperandsSurviveGarbageCollectionBeforeBackward() {
        try (NDManager m = Backend.newManager()) {
            float[] values = new float[64];
            for (int i = 0; i < values.length; i++) {
                values[i] = 0.25f * i - 3;
            }
            NDArray w = NativeArrays.of(m, values, new Shape(values.length));
            w.setRequiresGradient(true);
            for (int trial = 0; trial < 5; trial++) {
                try (StepScope s = StepScope.open(m);
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // d/dw [3w + w²/2] = 3 + w: both backward formulas need the scalar operand.
                    NDArray loss = Scalars.mul(w, 3.0).add(Scalars.div(Scalars.pow(w, 2.0), 2.0)).sum();
                    churn();
                    gc.backward(loss);
                }
                NDArray g = w.getGradient();
                float[] expected = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    expected[i] = 3 + values[i];
                }
                assertArrayEquals(expected, g.toFloatArray(), 1e-6f, "trial " + trial);
                g.subi(g);
                g.close();
            }
        }
    }

    @Test
    void copiesNeverAliasTheirSource() {
        try (NDManager m = Backend.newManager()) {
            NDArray a = NativeArrays.of(m, new float[] {1, 2, 3}, new Shape(3));
            NDArray copy = NativeArrays.copy(a);
            NDArray cast = NativeArrays.copyAs(a, DataType.FLOAT32);
            a.muli(NativeArrays.scalar(a, 10));
            assertArrayEquals(new float[] {1, 2, 3}, copy.toFloatArray());
            assertArrayEquals(new float[] {1, 2, 3}, cast.toFloatArray());
            Linear source = new Linear(2, 2, true);
            source.initialize(m, DataType.FLOAT32, 1);
            Linear target = new Linear(2, 2, true);
            target.initialize(m, DataType.FLOAT32, 2);
            target.copyFrom(source);
            float[] before = target.parameters().get("weight").array().toFloatArray();
            Scalars.muli(source.parameters().get("weight").array(), 5);
            assertArrayEquals(before, target.parameters().get("weight").array().toFloatArray(), "copyFrom copies");
        }
    }

    @Test
    void arraysKeptFromAScopeOutliveIt() {
        try (NDManager m = Backend.newManager()) {
            NDArray kept;
            try (StepScope s = StepScope.open(m)) {
                kept = s.keep(NativeArrays.of(s.manager(), new float[] {4, 5}, new Shape(2)));
            }
            churn();
            assertEquals("[4.0, 5.0]", Arrays.toString(kept.toFloatArray()));
        }
    }
}
