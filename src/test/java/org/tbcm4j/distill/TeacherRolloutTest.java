package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.trigflow.TrigFlow;

class TeacherRolloutTest extends WithManager {
    @Test
    void solvingOnFromAnyTrajectoryPointEndsAtTheTrajectorysEndpoint() {
        DiT teacher = new DiT(new DiTConfig(4, 7, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        teacher.initialize(m, DataType.FLOAT32, 3);
        JvpCheck.randomize(teacher, 3, 0.2);
        TrajectoryPairs source = new TrajectoryPairs(teacher, new ReferenceRoute(6, 2.5), 3, GuidanceScales.of("w", 2.0, 3.0),
                null, 9);
        NoGrad.call(() -> {
            TeacherRollout r = source.trajectories(1, m);
            assertEquals(6, r.steps());
            assertEquals(Math.PI / 2, r.times()[0][0], 0.0);
            for (int i = 0; i < r.steps(); i++) {
                NDArray end = r.solveFrom(teacher, r.points().get(i), i);
                assertEquals(0f, end.sub(r.endpoint()).abs().max().getFloat(), 0f, "from index " + i);
            }
            // The trajectory's pairs are what the pair source hands out, in rollout-step-major order.
            PairBatch pairs = source.next(1, m);
            assertEquals(3 * 5, pairs.size());
            assertEquals(0f, pairs.xt().get("0:3").sub(r.points().get(1)).abs().max().getFloat(), 0f);
            assertEquals(0f, pairs.v().get("12:15").sub(r.velocities().get(5)).abs().max().getFloat(), 0f);
            // Each first-order step moves x along the rollout's velocity.
            NDArray t0 = r.time(0);
            NDArray t1 = r.time(1);
            NDArray expected = TrigFlow.ddimStep(r.points().get(0), r.velocities().get(0).div(TrigFlow.SIGMA_D), t0, t1);
            assertEquals(0f, expected.sub(r.points().get(1)).abs().max().getFloat(), 1e-6f);
            return null;
        });
    }
}
