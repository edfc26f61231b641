package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassAccuracyTest {
    @Test
    void countsSamplesWhoseArgmaxIsTheRequestedClass() {
        float[][] logits = {
            {0.1f, -1f, 3f}, // 2
            {5f, 4.9f, -2f}, // 0
            {-3f, -1f, -2f}, // 1
            {0f, 2f, 2f}, // tie: lowest index, 1
        };
        assertArrayEquals(new int[] {2, 0, 1, 1}, ClassAccuracy.predictedClasses(logits));
        assertEquals(0.75, ClassAccuracy.ofLogits(logits, new int[] {2, 0, 0, 1}), 0.0);
        assertEquals(0.0, ClassAccuracy.ofLogits(logits, new int[] {0, 1, 2, 2}), 0.0);
        assertEquals(0.4, ClassAccuracy.of(new int[] {1, 2, 3, 4, 5}, new int[] {1, 0, 3, 0, 0}), 0.0);
    }

    @Test
    void rejectsMismatchedLengths() {
        assertThrows(IllegalArgumentException.class, () -> ClassAccuracy.of(new int[] {1, 2}, new int[] {1}));
    }
}
