package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.TrigFlowModel;

/**
 * Golden test of the sCM loss: for a fixed tiny network and fixed inputs, the loss and its gradient
 * equal an independent computation in which the JVP is a float64 central difference.
 */
class ConsistencyLossTest extends WithManager {
    private static final double S = 0.5;

    private Student student() {
        Student s = new Student(new StudentConfig(
                new DiTConfig(4, 4, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0), 0.1));
        s.initialize(m, DataType.FLOAT64, 3);
        JvpCheck.randomize(s, 3, 0.3);
        return s;
    }

    private PairBatch pairs() {
        NDArray xt = JvpCheck.randn(m, 1, 3, 4, 4, 4).mul(S);
        NDArray v = JvpCheck.randn(m, 2, 3, 4, 4, 4).mul(S);
        NDArray t = m.create(new double[] {0.05, 0.7, 1.4});
        return new PairBatch(xt, t, v, NativeArrays.of(m, new long[] {1, 5, 10}, new Shape(3)),
                m.create(new double[] {2.0, 3.5, 1.0}), m.create(new double[] {1, 0, 1}), 0, 1, null);
    }

    private static double[] gradients(Student s) {
        List<Double> all = new ArrayList<>();
        for (Parameter p : s.parameters().values()) {
            if (!p.trainable()) {
                continue;
            }
            NDArray g = p.array().getGradient();
            for (double v : g.toDoubleArray()) {
                all.add(v);
            }
            g.subi(g);
            g.close();
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The loss written out again, independently, with J from a central difference. */
    private NDArray reference(Student s, PairBatch p, double r, double c) {
        NDArray t4 = p.t().reshape(3, 1, 1, 1);
        NDArray cos = t4.cos();
        NDArray sin = t4.sin();
        TrigFlowModel f = s.trigFlow(p.classes(), p.guidance());
        NDArray xIn = p.xt().div(S);
        NDArray dx = p.v().mul(cos).mul(sin).div(S);
        NDArray dt = p.t().cos().mul(p.t().sin());
        double eps = 1e-6;
        NDArray fMinus = NoGrad.call(() -> f.predict(Dual.of(xIn), Dual.of(p.t())).value());
        NDArray j = NoGrad.call(() -> f.predict(Dual.of(xIn.add(dx.mul(eps))), Dual.of(p.t().add(dt.mul(eps)))).value()
                .sub(f.predict(Dual.of(xIn.sub(dx.mul(eps))), Dual.of(p.t().sub(dt.mul(eps)))).value()).div(2 * eps));
        NDArray g = cos.square().neg().mul(fMinus.mul(S).sub(p.v()))
                .sub(sin.mul(cos).mul(p.xt()).add(j.mul(S)).mul(r));
        NDArray norm = g.square().sum(new int[] {3}).sum(new int[] {2}).sum(new int[] {1}).sqrt().reshape(3, 1, 1, 1);
        NDArray unit = g.div(norm.add(c));
        NDArray fTheta = f.predict(Dual.of(xIn), Dual.of(p.t())).value();
        NDArray logvar = s.logvar(p.t(), p.guidance()).reshape(3, 1, 1, 1);
        NDArray weight = sin.div(cos).mul(S).pow(-1.0);
        NDArray terms = weight.mul(logvar.neg().exp()).mul(fTheta.sub(fMinus).sub(unit).square()).add(logvar);
        return terms.mul(p.mask().reshape(3, 1, 1, 1)).sum().div(terms.size());
    }

    @Test
    void lossAndGradientMatchAComputationWithAFiniteDifferenceJvp() {
        Student s = student();
        PairBatch p = pairs();
        double r = 0.6;
        double c = 0.1;
        double ours;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = ConsistencyLoss.compute(s, p, r, c).loss();
            ours = loss.getDouble();
            gc.backward(loss);
        }
        double[] ourGrad = gradients(s);
        double theirs;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = reference(s, p, r, c);
            theirs = loss.getDouble();
            gc.backward(loss);
        }
        double[] theirGrad = gradients(s);
        assertEquals(theirs, ours, 1e-5 * Math.abs(theirs), "loss");
        double maxDiff = 0;
        double maxGrad = 0;
        for (int i = 0; i < ourGrad.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ourGrad[i] - theirGrad[i]));
            maxGrad = Math.max(maxGrad, Math.abs(theirGrad[i]));
        }
        assertTrue(maxGrad > 0, "a gradient that is identically zero would prove nothing");
        assertTrue(maxDiff <= 1e-5 * maxGrad, "gradient relative difference " + maxDiff / maxGrad);
    }

    @Test
    void rWarmsUpAndCalmsDown() {
        LossSettings s = new LossSettings(100, true, 400, 100, 0.75, 0.1);
        assertEquals(0.5, s.r(50), 1e-15);
        assertEquals(1.0, s.r(300), 1e-15);
        assertEquals(0.875, s.r(450), 1e-15);
        assertEquals(0.75, s.r(10_000), 1e-15);
        assertEquals(1.0, s.withoutCalmDown().r(10_000), 1e-15);
    }
}
