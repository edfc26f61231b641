package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.OdeSampler;

/** The guidance response is 1 for a generator that follows w as the teacher does and 0 for one that ignores it. */
class GuidanceResponseTest extends WithManager {
    private DiT teacher() {
        DiT dit = new DiT(new DiTConfig(4, 4, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        dit.initialize(m, DataType.FLOAT32, 7);
        JvpCheck.randomize(dit, 7, 0.1);
        return dit;
    }

    private static final long[] SHAPE = {4, 4, 4};

    @Test
    void theTeacherAgainstItselfIsOneAndAGeneratorThatIgnoresWIsZero() {
        DiT dit = teacher();
        GuidanceResponse same = GuidanceResponse.measure(w -> new TeacherGenerator(dit, OdeSampler.DPM_SOLVER_2M, 4, w, 1),
                w -> new TeacherGenerator(dit, OdeSampler.DPM_SOLVER_2M, 4, w, 1), 1, 3, 12, 5, SHAPE, m);
        assertTrue(same.teacherDistance() > 0, "the teacher responds to w");
        assertEquals(1.0, same.fraction(), 0.0);
        GuidanceResponse deaf = GuidanceResponse.measure(w -> new TeacherGenerator(dit, OdeSampler.DPM_SOLVER_2M, 4, 2, 1),
                w -> new TeacherGenerator(dit, OdeSampler.DPM_SOLVER_2M, 4, w, 1), 1, 3, 12, 5, SHAPE, m);
        assertEquals(0.0, deaf.fraction(), 0.0);
        assertEquals(same.teacherDistance(), deaf.teacherDistance(), 0.0);
    }

    @Test
    void halfTheTeachersMoveIsHalf() {
        DiT dit = teacher();
        // The teacher between w 1 and 2 against itself between 1 and 3: CFG is linear in w at every step but the
        // samples are not, so only the bounds are known; with one first-order step they are exactly linear.
        GuidanceResponse r = GuidanceResponse.measure(w -> new TeacherGenerator(dit, OdeSampler.FIRST_ORDER, 1, 1 + (w - 1) / 2, 1),
                w -> new TeacherGenerator(dit, OdeSampler.FIRST_ORDER, 1, w, 1), 1, 3, 12, 5, SHAPE, m);
        assertEquals(0.5, r.fraction(), 1e-5);
    }

    @Test
    void theDistanceIsTheMeanOfPerSampleNorms() {
        float[] a = {3, 4, 0, 0};
        float[] b = {0, 0, 1, 0};
        assertEquals((5 + 1) / 2.0, GuidanceResponse.meanDistance(a, b, 2), 1e-12);
        assertEquals(2.5, GuidanceResponse.meanDistance(a, null, 2), 1e-12);
    }

    @Test
    void equalScalesAreRefused() {
        DiT dit = teacher();
        assertThrows(IllegalArgumentException.class, () -> GuidanceResponse.measure(
                w -> new TeacherGenerator(dit, OdeSampler.FIRST_ORDER, 1, w, 1),
                w -> new TeacherGenerator(dit, OdeSampler.FIRST_ORDER, 1, w, 1), 2, 2, 4, 5, SHAPE, m));
    }
}
