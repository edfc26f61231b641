package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.Guidance;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/** The DMD regulariser against the formulas written out again in Java doubles and independent passes. */
class DistributionMatchingTest extends WithManager {
    private static final DiTConfig TINY = new DiTConfig(4, 4, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);
    private static final double S = TrigFlow.SIGMA_D;

    private DiT teacher() {
        DiT t = new DiT(TINY);
        t.initialize(m, DataType.FLOAT32, 1);
        JvpCheck.randomize(t, 1, 0.3);
        t.setTrainable(false);
        return t;
    }

    /** A student-shaped network on the teacher's backbone, its guidance input still zero (as both start). */
    private Student onTeacher(DiT teacher, long seed) {
        Student s = new Student(new StudentConfig(TINY, 10));
        s.initialize(m, DataType.FLOAT32, seed);
        s.backbone().copyFrom(teacher);
        return s;
    }

    private Student randomStudent(long seed) {
        Student s = new Student(new StudentConfig(TINY, 10));
        s.initialize(m, DataType.FLOAT32, seed);
        JvpCheck.randomize(s, seed, 0.3);
        return s;
    }

    private static DistributionMatching dmd(DiT teacher, double... scales) {
        return new DistributionMatching(teacher, new DmdConfig(1.0, 0, 3, 5.0, 1.0),
                GuidanceScales.of("guidance_scales", scales));
    }

    @Test
    void theRenoisingTimeIsShiftedRectifiedFlowTimeInTrigFlow() {
        assertEquals(0, DistributionMatching.time(0, 5), 0);
        assertEquals(Math.PI / 2, DistributionMatching.time(1, 5), 1e-15);
        assertEquals(Math.atan(5), DistributionMatching.time(0.5, 5), 1e-15, "s = 2.5/3: tan t = s/(1 − s) = 5");
        assertEquals(Math.atan(0.3 / 0.7), DistributionMatching.time(0.3, 1), 1e-15, "shift 1: s = u");
    }

    @Test
    void aFakeScoreThatIsTheTeacherAtW1GivesNoDirection() {
        DiT teacher = teacher();
        DistributionMatching.StudentSide side = dmd(teacher, 1.0).student(randomStudent(2), onTeacher(teacher, 3),
                Rng.of(4, "dmd", 1), m);
        double gap = NoGrad.call(() -> side.fake().sub(side.real()).abs().max()).getFloat();
        assertTrue(gap < 1e-5, "the fake score on the teacher's backbone is the teacher at w = 1: " + gap);
        assertTrue(side.loss().getFloat() < 1e-8, "loss " + side.loss().getFloat());
    }

    @Test
    void theStudentTermAndItsGradientAreTheFormula() {
        DiT teacher = teacher();
        Student student = randomStudent(2);
        Student fake = randomStudent(5);
        DistributionMatching.StudentSide side;
        List<Double> fromLoss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            side = dmd(teacher, 2.0, 3.5).student(student, fake, Rng.of(4, "dmd", 1), m);
            gc.backward(side.loss());
        }
        fromLoss = gradients(student);
        DistributionMatching.Draw d = side.draw();
        // the teacher's guided x₀ estimate from two separate plain passes, combined in doubles
        NDArray uncond = NoGrad.call(() -> Guidance.trigFlow(teacher, m.create(new long[] {10, 10, 10}), 1.0)
                .predictAt(Dual.of(side.noised()), Dual.of(d.t())).value());
        NDArray cond = NoGrad.call(() -> Guidance.trigFlow(teacher, d.classes(), 1.0)
                .predictAt(Dual.of(side.noised()), Dual.of(d.t())).value());
        double[] fu = doubles(uncond);
        double[] fc = doubles(cond);
        double[] xt = doubles(side.noised());
        double[] t = doubles(d.t());
        double[] w = doubles(d.w());
        double[] sample = doubles(NoGrad.call(() -> side.sample().stopGradient()));
        double[] fakeX0 = doubles(side.fake());
        int per = fu.length / 3;
        double[] real = new double[fu.length];
        double[] direction = new double[fu.length];
        double loss = 0;
        for (int b = 0; b < 3; b++) {
            double normaliser = 0;
            for (int i = b * per; i < (b + 1) * per; i++) {
                double f = fu[i] + w[b] * (fc[i] - fu[i]);
                real[i] = Math.cos(t[b]) * xt[i] - Math.sin(t[b]) * S * f;
                normaliser += Math.abs(sample[i] - real[i]) / per;
            }
            for (int i = b * per; i < (b + 1) * per; i++) {
                direction[i] = (fakeX0[i] - real[i]) / Math.max(normaliser, 1e-5);
                loss += direction[i] * direction[i] / fu.length;
            }
        }
        assertClose(real, doubles(side.real()), 2e-5, "x_real");
        assertClose(direction, doubles(side.direction()), 1e-4, "∇");
        assertEquals(loss, side.loss().getFloat(), 1e-5 * loss, "L_DMD = mean ∇²");
        assertTrue(loss > 1e-4, "a random fake score leaves a direction: " + loss);
        // the gradient reaches θ as the VJP of x̂ with cotangent 2∇/(number of elements), through x̂ alone
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            DistributionMatching.StudentSide again = dmd(teacher, 2.0, 3.5).student(student, fake, Rng.of(4, "dmd", 1), m);
            NDArray cotangent = m.create(direction).toType(DataType.FLOAT32, false).reshape(again.sample().getShape())
                    .mul(2.0 / direction.length);
            gc.backward(again.sample().mul(cotangent).sum());
        }
        List<Double> fromVjp = gradients(student);
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < fromLoss.size(); i++) {
            worst = Math.max(worst, Math.abs(fromLoss.get(i) - fromVjp.get(i)));
            scale = Math.max(scale, Math.abs(fromVjp.get(i)));
        }
        assertTrue(scale > 0 && worst <= 1e-3 * scale, "gradient mismatch " + worst + " of " + scale);
        assertTrue(noGradient(fake) && noGradient(teacher), "the fake score and the teacher take no gradient here");
    }

    @Test
    void theFakeScoreLearnsToDenoiseTheStudentsSamples() {
        DiT teacher = teacher();
        Student student = randomStudent(2);
        Student fake = randomStudent(5);
        DistributionMatching.FakeSide side;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            side = dmd(teacher, 2.0).fake(student, fake, Rng.of(4, "dmd-fake", 1), m);
            gc.backward(side.loss());
        }
        DistributionMatching.Draw d = side.draw();
        double[] x = doubles(side.sample());
        double[] n = doubles(d.n());
        double[] t = doubles(d.t());
        int per = x.length / 3;
        double[] noised = new double[x.length];
        double[] target = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double tb = t[i / per];
            noised[i] = Math.cos(tb) * x[i] + Math.sin(tb) * n[i];
            target[i] = (Math.cos(tb) * n[i] - Math.sin(tb) * x[i]) / S;
        }
        NDArray xt = m.create(noised).toType(DataType.FLOAT32, false).reshape(side.sample().getShape());
        double[] f = doubles(NoGrad.call(() -> fake.trigFlow(d.classes(), d.w()).predictAt(Dual.of(xt), Dual.of(d.t()))
                .value()));
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            loss += (f[i] - target[i]) * (f[i] - target[i]) / x.length;
        }
        assertEquals(loss, side.loss().getFloat(), 1e-5 * loss, "L_ψ = mean (F_ψ − (cos t·n − sin t·x̂)/σ_d)²");
        assertTrue(noGradient(student), "the student's samples are made without gradient here");
        assertTrue(!noGradient(fake), "the fake score learns");
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, true).toDoubleArray();
    }

    private static void assertClose(double[] expected, double[] got, double tol, String what) {
        assertEquals(expected.length, got.length, what);
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tol * Math.max(1, scale), what + "[" + i + "]");
        }
    }

    /** Trainable parameters' gradients, flattened, then zeroed. */
    private static List<Double> gradients(org.tbcm4j.nn.Module module) {
        List<Double> all = new ArrayList<>();
        for (Parameter p : module.parameters().values()) {
            if (!p.trainable()) {
                continue;
            }
            NDArray g = p.array().getGradient();
            for (double v : doubles(g)) {
                all.add(v);
            }
            g.subi(g);
            g.close();
        }
        return all;
    }

    private static boolean noGradient(org.tbcm4j.nn.Module module) {
        for (Parameter p : module.parameters().values()) {
            if (p.trainable() && p.array().hasGradient()) {
                NDArray g = p.array().getGradient();
                boolean zero = g.abs().max().getFloat() == 0;
                g.close();
                if (!zero) {
                    return false;
                }
            }
        }
        return true;
    }
}
