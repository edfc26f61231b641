package org.tbcm4j.trigflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tbcm4j.testing.JvpCheck.randn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.LinearOps;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Rng;

class TrigFlowTest extends WithManager {
    private static final double S = TrigFlow.SIGMA_D;

    private double maxAbs(NDArray a) {
        return a.abs().max().getDouble();
    }

    @Test
    void noisingInterpolatesDataAndNoise() {
        NDArray x0 = randn(m, 1, 3, 2, 4, 4);
        NDArray z = randn(m, 2, 3, 2, 4, 4);
        NDArray t = m.create(new double[] {0.0, Math.PI / 2, 0.7});
        NDArray xt = TrigFlow.noise(x0, z, t);
        assertEquals(0.0, maxAbs(xt.get(0).sub(x0.get(0))), 1e-15);
        assertEquals(0.0, maxAbs(xt.get(1).sub(z.get(1))), 1e-15);
        NDArray expected = x0.get(2).mul(Math.cos(0.7)).add(z.get(2).mul(Math.sin(0.7)));
        assertEquals(0.0, maxAbs(xt.get(2).sub(expected)), 1e-15);
    }

    @Test
    void exactVelocityGivesBackTheDataAndExactSteps() {
        NDArray x0 = randn(m, 1, 4, 2, 3, 3).mul(S);
        NDArray z = randn(m, 2, 4, 2, 3, 3).mul(S);
        NDArray t = m.create(new double[] {0.1, 0.8, 1.3, 1.55});
        NDArray s = m.create(new double[] {0.0, 0.3, 1.0, 0.01});
        NDArray xt = TrigFlow.noise(x0, z, t);
        NDArray f = TrigFlow.velocityTarget(x0, z, t);
        // The x0 estimate of the exact F is x0 itself ...
        assertEquals(0.0, maxAbs(TrigFlow.x0Estimate(xt, f, t).sub(x0)), 1e-14);
        // ... and the first-order step lands exactly on the same pair's x_s.
        assertEquals(0.0, maxAbs(TrigFlow.ddimStep(xt, f, t, s).sub(TrigFlow.noise(x0, z, s))), 1e-14);
    }

    @Test
    void flowToTrigFlowIsExact() {
        NDArray y = randn(m, 1, 5, 2, 3, 3);
        NDArray eps = randn(m, 2, 5, 2, 3, 3);
        NDArray t = m.create(new double[] {0.01, 0.4, 0.785, 1.2, 1.5707});
        NDArray tb = TrigFlow.perSample(t, y);
        // x_t/σ_d for x0 = σ_d·y and z = σ_d·ε.
        NDArray xOverSigma = y.mul(tb.cos()).add(eps.mul(tb.sin()));
        FlowModel exactFlow = (xFlow, tau) -> {
            NDArray taub = TrigFlow.perSample(tau.value(), y);
            NDArray expectedInput = y.mul(taub.neg().add(1)).add(eps.mul(taub));
            assertEquals(0.0, maxAbs(xFlow.value().sub(expectedInput)), 1e-13, "flow input (1−τ)y + τε");
            return Dual.of(eps.sub(y));
        };
        NDArray f = FlowToTrigFlow.wrap(exactFlow).predict(Dual.of(xOverSigma), Dual.of(t)).value();
        NDArray expected = eps.mul(tb.cos()).sub(y.mul(tb.sin()));
        assertEquals(0.0, maxAbs(f.sub(expected)), 1e-13, "F = cos t·ε − sin t·y");
    }

    @Test
    void timeMapsInvertEachOther() {
        for (double t : new double[] {0.0, 0.006, 0.5, 1.0, 1.5708}) {
            assertEquals(t, FlowToTrigFlow.trigFlowTime(FlowToTrigFlow.flowTime(t)), 1e-14);
        }
        assertEquals(Math.PI / 2, FlowToTrigFlow.trigFlowTime(1.0), 0.0);
    }

    @Test
    void jvpPassesExactlyThroughTheWrapper() {
        NDArray w = randn(m, 1, 4, 4);
        FlowModel flow = (xFlow, tau) -> {
            Dual h = LinearOps.linear(xFlow, w, null);
            return Arith.mul(Arith.sin(h), ShapeOpsHelper.perSample(tau, h));
        };
        TrigFlowModel trig = FlowToTrigFlow.wrap(flow);
        NDArray x = randn(m, 2, 3, 2, 4);
        NDArray t = m.create(new double[] {0.2, 0.9, 1.4});
        JvpCheck.assertExact("wrapped flow model", in -> trig.predict(in.get(0), in.get(1)),
                Arrays.asList(x, t), Arrays.asList(randn(m, 3, 3, 2, 4), m.create(new double[] {1.0, -0.5, 0.25})));
    }

    @Test
    void referenceRouteMatchesTheOfficialValues() {
        double[] official = {1.5708, 1.5423, 1.5095, 1.4714, 1.4268, 1.3741, 1.3112, 1.2356, 1.1440, 1.0331,
            0.8997, 0.7425, 0.5642, 0.3735, 0.1832, 0.0063};
        assertArrayEquals(official, new ReferenceRoute(16, 2.5).times(), 1e-4);
    }

    @Test
    void jitterStaysInsideEachIntervalAndIsSeeded() {
        ReferenceRoute route = new ReferenceRoute(16, 2.5);
        double[] fixed = route.times();
        double[] a = route.jittered(Rng.of(7, "route", 3));
        assertEquals(17, a.length);
        assertEquals(Math.PI / 2, a[0], 0.0);
        assertEquals(0.0, a[16], 0.0);
        for (int i = 1; i < 16; i++) {
            assertTrue(a[i] >= fixed[i] && a[i] <= fixed[i - 1], "t̃_" + i + " = " + a[i]);
        }
        assertArrayEquals(a, route.jittered(Rng.of(7, "route", 3)), 0.0);
        assertTrue(Math.abs(a[5] - route.jittered(Rng.of(7, "route", 4))[5]) > 0);
    }

    @Test
    void fixedRouteIsTheReferenceRouteFromHalfPiToZero() {
        ReferenceRoute route = new ReferenceRoute(16, 2.5);
        double[] fixed = route.fixed();
        assertEquals(17, fixed.length);
        assertEquals(Math.PI / 2, fixed[0], 0.0);
        assertArrayEquals(java.util.Arrays.copyOfRange(route.times(), 1, 16), java.util.Arrays.copyOfRange(fixed, 1, 16),
                0.0);
        assertEquals(0.0, fixed[16], 0.0);
    }

    @Test
    void logitNormalSortedRouteIsTheOfficialUnusedSampler() {
        double[] route = ReferenceRoute.logitNormalSorted(16, 0.2, 1.6, Rng.of(3, "route", 1));
        // independently: 16 draws of atan(exp(0.2 + 1.6 z) / 0.5), descending, the largest replaced by pi/2, then 0
        Rng rng = Rng.of(3, "route", 1);
        double[] expected = java.util.stream.DoubleStream.generate(() -> Math.atan(Math.exp(0.2 + 1.6 * rng.gaussian())
                / 0.5)).limit(16).boxed().sorted(java.util.Comparator.reverseOrder()).mapToDouble(Double::doubleValue)
                .toArray();
        expected[0] = Math.PI / 2;
        assertEquals(17, route.length);
        assertArrayEquals(expected, java.util.Arrays.copyOf(route, 16), 0.0);
        assertEquals(0.0, route[16], 0.0);
    }

    @Test
    void routeRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ReferenceRoute(1, 2.5));
        assertThrows(IllegalArgumentException.class, () -> new ReferenceRoute(16, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReferenceRoute(16, -1));
    }

    @Test
    void studentSchedules() {
        assertArrayEquals(new double[] {1.5708, 0}, StudentSchedule.times(1, 1.0), 0);
        assertArrayEquals(new double[] {1.5708, 1.0, 0}, StudentSchedule.times(2, 1.0), 0);
        assertArrayEquals(new double[] {1.5708, 1.1781, 0.7854, 0.3927, 0}, StudentSchedule.times(4, 1.0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> StudentSchedule.times(0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> StudentSchedule.times(2, 2.0));
    }

    @Test
    void samplerRecoversTheOnlyDataPointWithTheExactModel() {
        // With one data point y*, the exact F at x_t is that of the pair (σ_d·y*, ẑ(x_t)); any step count returns y*.
        NDArray target = randn(m, 1, 1, 2, 3, 3);
        TrigFlowModel exact = (xOverSigma, t) -> {
            NDArray tb = TrigFlow.perSample(t.value(), xOverSigma.value());
            NDArray x0 = target.mul(S);
            NDArray xt = xOverSigma.value().mul(S);
            NDArray z = xt.sub(x0.mul(tb.cos())).div(tb.sin());
            return Dual.of(TrigFlow.velocityTarget(x0, z, t.value()));
        };
        for (int steps : new int[] {1, 2, 4}) {
            NDArray start = Tensors.normal(m, Rng.of(1, "noise", steps), target.getShape(), DataType.FLOAT64, S);
            NDArray out = ConsistencySampler.sample(exact, start, StudentSchedule.times(steps, 1.0), Rng.of(2, "n", 0));
            assertEquals(0.0, maxAbs(out.sub(target)), 1e-12, steps + " steps");
        }
    }

    /** Broadcast helper for the test's toy flow model. */
    private static final class ShapeOpsHelper {
        static Dual perSample(Dual tau, Dual like) {
            long[] shape = new long[like.shape().dimension()];
            Arrays.fill(shape, 1);
            shape[0] = tau.shape().get(0);
            return org.tbcm4j.nn.ShapeOps.reshape(tau, shape);
        }
    }
}
