package org.tbcm4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;

class GuidanceTest extends WithManager {

    @Test
    void guidanceMixesConditionalAndNullPredictions() {
        DiT dit = new DiT(new DiTConfig(4, 4, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        dit.initialize(m, DataType.FLOAT64, 1);
        JvpCheck.randomize(dit, 1, 0.3);
        NDArray classes = NativeArrays.of(m, new long[] {2, 7}, new Shape(2));
        NDArray nulls = NativeArrays.of(m, new long[] {10, 10}, new Shape(2));
        Dual x = Dual.of(JvpCheck.randn(m, 1, 2, 4, 4, 4));
        Dual tau = Dual.of(m.create(new double[] {0.3, 0.8}));
        NDArray conditional = dit.forward(x, tau, classes).value();
        NDArray unconditional = dit.forward(x, tau, nulls).value();
        double w = 3.5;
        NDArray expected = unconditional.add(conditional.sub(unconditional).mul(w));
        assertEquals(0.0, Guidance.flow(dit, classes, w).velocity(x, tau).value().sub(expected).abs().max().getDouble(), 1e-12);
        assertEquals(0.0, Guidance.flow(dit, classes, 1.0).velocity(x, tau).value().sub(conditional).abs().max().getDouble(), 0.0);
        assertEquals(0.0, Guidance.flow(dit, classes, 0.0).velocity(x, tau).value().sub(unconditional).abs().max().getDouble(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Guidance.flow(dit, classes, -1.0));
    }
}
