package org.tbcm4j.trigflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Rng;

class OdeSamplerTest extends WithManager {
    private static final double S = TrigFlow.SIGMA_D;
    /** Data x₀ ~ N(0, C²) per coordinate, so the exact PF-ODE maps x(π/2) to x(π/2)·C/σ_d. */
    private static final double C = 0.8;

    /** The exact TrigFlow F for Gaussian data: E[x₀|x_t] = cos t·C²/(cos²t·C² + sin²t·σ_d²)·x_t. */
    private static TrigFlowModel gaussianModel() {
        return (xOverSigma, t) -> {
            NDArray tb = TrigFlow.perSample(t.value(), xOverSigma.value());
            NDArray xt = xOverSigma.value().mul(S);
            NDArray cos = tb.cos();
            NDArray sin = tb.sin();
            NDArray variance = cos.square().mul(C * C).add(sin.square().mul(S * S));
            NDArray x0 = xt.mul(cos).mul(C * C).div(variance);
            NDArray z = xt.sub(x0.mul(cos)).div(sin);
            return Dual.of(TrigFlow.velocityTarget(x0, z, t.value()));
        };
    }

    private double error(OdeSampler sampler, int steps) {
        NDArray noise = Tensors.normal(m, Rng.of(1, "n", 0), new Shape(64), DataType.FLOAT64, S);
        NDArray out = sampler.sample(gaussianModel(), noise, TeacherSchedule.times(steps, 1.0));
        return out.sub(noise.mul(C / S)).abs().max().getDouble();
    }

    @Test
    void convergesAtTheOrderOfEachSolver() {
        double first8 = error(OdeSampler.FIRST_ORDER, 8);
        double first32 = error(OdeSampler.FIRST_ORDER, 32);
        double second8 = error(OdeSampler.DPM_SOLVER_2M, 8);
        double second32 = error(OdeSampler.DPM_SOLVER_2M, 32);
        // Four times the steps: error ÷ ~4 at first order, ÷ ~16 at second order.
        assertTrue(first8 / first32 > 3 && first8 / first32 < 6, "first order: " + first8 + " -> " + first32);
        assertTrue(second8 / second32 > 10, "second order: " + second8 + " -> " + second32);
        assertTrue(second32 < first32 / 10, "second order is far more accurate at 32 steps");
    }

    @Test
    void bothAreExactForASingleDataPoint() {
        NDArray point = Tensors.normal(m, Rng.of(2, "p", 0), new Shape(1, 8), DataType.FLOAT64, S);
        TrigFlowModel exact = (xOverSigma, t) -> {
            NDArray tb = TrigFlow.perSample(t.value(), xOverSigma.value());
            NDArray xt = xOverSigma.value().mul(S);
            NDArray z = xt.sub(point.mul(tb.cos())).div(tb.sin());
            return Dual.of(TrigFlow.velocityTarget(point, z, t.value()));
        };
        NDArray noise = Tensors.normal(m, Rng.of(3, "n", 0), new Shape(1, 8), DataType.FLOAT64, S);
        for (OdeSampler sampler : OdeSampler.values()) {
            NDArray out = sampler.sample(exact, noise, TeacherSchedule.times(4, 2.0));
            assertEquals(0.0, out.sub(point).abs().max().getDouble(), 1e-12, sampler.name());
        }
    }

    @Test
    void scheduleRunsFromNoiseToDataAndShiftsTowardsNoise() {
        double[] plain = TeacherSchedule.times(4, 1.0);
        assertEquals(Math.PI / 2, plain[0], 1e-15);
        assertEquals(0.0, plain[4], 0.0);
        double[] expected = new double[5];
        for (int k = 0; k <= 4; k++) {
            double tau = 1 - k / 4.0;
            expected[k] = Math.atan2(tau, 1 - tau);
        }
        assertArrayEquals(expected, plain, 1e-15);
        assertTrue(TeacherSchedule.times(4, 3.0)[2] > plain[2], "shift > 1 keeps more steps near noise");
        assertThrows(IllegalArgumentException.class, () -> TeacherSchedule.times(0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> OdeSampler.parse("rk45"));
    }
}
