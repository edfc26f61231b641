package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.Guidance;
import org.tbcm4j.model.GuidanceScales;
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

    private DiT teacher() {
        DiT teacher = new DiT(new DiTConfig(4, 7, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        teacher.initialize(m, DataType.FLOAT32, 3);
        JvpCheck.randomize(teacher, 3, 0.2);
        return teacher;
    }

    /** Every pair's velocity is the teacher's guided velocity at the pair's own (x, t, class, w): nothing is misaligned. */
    private void assertPairsAreTeacherVelocities(DiT teacher, PairBatch pairs) {
        NDArray v = Guidance.trigFlow(teacher, pairs.classes(), pairs.guidance()).velocity(pairs.xt(), pairs.t());
        assertEquals(0f, v.sub(pairs.v()).abs().max().getFloat(), 1e-5f);
    }

    @Test
    void onePointPerRolloutTakesOneOfEachRolloutsPairs() {
        DiT teacher = teacher();
        GuidanceScales w = GuidanceScales.of("w", 2.0, 3.0);
        TrajectoryPairs all = new TrajectoryPairs(teacher, new ReferenceRoute(6, 2.5), 3, w, null, 9);
        TrajectoryPairs one = new TrajectoryPairs(teacher, new ReferenceRoute(6, 2.5), 3, w, null, 9,
                new TrajectoryPairs.Options("jittered", true, 0));
        assertEquals(3, one.pairsPerIteration());
        NoGrad.call(() -> {
            PairBatch every = all.next(2, m);
            PairBatch chosen = one.next(2, m);
            assertEquals(3, chosen.size());
            assertEquals(2L * 6 * 3, chosen.teacherEvaluations(), "the whole rollout is still paid for");
            for (int p = 0; p < 3; p++) {
                boolean found = false;
                for (int i = 0; i < 5; i++) {
                    int j = i * 3 + p;
                    found |= chosen.xt().get(p).sub(every.xt().get(j)).abs().max().getFloat() == 0f
                            && chosen.t().getFloat(p) == every.t().getFloat(j);
                }
                assertTrue(found, "prompt " + p + "'s pair is one of its rollout's points");
            }
            assertPairsAreTeacherVelocities(teacher, chosen);
            assertPairsAreTeacherVelocities(teacher, every);
            return null;
        });
    }

    @Test
    void aRolloutStoreIsPaidOnceAndDrawnFrom() {
        DiT teacher = teacher();
        for (boolean onePoint : new boolean[] {false, true}) {
            TrajectoryPairs store = new TrajectoryPairs(teacher, new ReferenceRoute(5, 2.5), 3,
                    GuidanceScales.of("w", 2.0, 3.0), null, 4, new TrajectoryPairs.Options("jittered", onePoint, 7));
            NoGrad.call(() -> {
                PairBatch first = store.next(1, m);
                PairBatch second = store.next(2, m);
                assertEquals(onePoint ? 3 : 3 * 4, first.size());
                assertEquals(2L * 5 * 7, first.teacherEvaluations(), "7 prompts rolled out along 5 route points");
                assertEquals(0L, second.teacherEvaluations());
                assertPairsAreTeacherVelocities(teacher, first);
                assertPairsAreTeacherVelocities(teacher, second);
                if (!onePoint) {
                    // pair i·P + p is route point i + 1 of drawn prompt p: its times fall along the route
                    for (int p = 0; p < 3; p++) {
                        for (int i = 1; i < 4; i++) {
                            assertTrue(second.t().getFloat(i * 3 + p) < second.t().getFloat((i - 1) * 3 + p));
                        }
                    }
                }
                return null;
            });
        }
    }

    @Test
    void fixedAndLogitNormalRoutesFeedTheRollout() {
        DiT teacher = teacher();
        for (String route : List.of("fixed", "logit_normal_sorted")) {
            TrajectoryPairs source = new TrajectoryPairs(teacher, new ReferenceRoute(6, 2.5), 2,
                    GuidanceScales.of("w", 2.0), null, 4, new TrajectoryPairs.Options(route, false, 0));
            NoGrad.call(() -> {
                TeacherRollout r = source.trajectories(1, m);
                if (route.equals("fixed")) {
                    double[] expected = new ReferenceRoute(6, 2.5).fixed();
                    assertEquals(expected[3], r.times()[0][3], 0.0);
                    assertEquals(expected[3], r.times()[1][3], 0.0);
                } else {
                    assertTrue(r.times()[0][3] != r.times()[1][3], "each prompt draws its own route");
                }
                assertPairsAreTeacherVelocities(teacher, source.next(1, m));
                return null;
            });
        }
    }
}
