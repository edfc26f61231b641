package org.tbcm4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;

class StudentTest extends WithManager {

    @Test
    void aFreshStudentEqualsTheTeachersConditionalModelForAnyGuidance() {
        DiTConfig config = new DiTConfig(4, 4, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);
        DiT teacher = new DiT(config);
        teacher.initialize(m, DataType.FLOAT64, 1);
        JvpCheck.randomize(teacher, 1, 0.3);
        Student student = new Student(new StudentConfig(config, 0.1));
        student.initialize(m, DataType.FLOAT64, 2);
        student.backbone().copyFrom(teacher);
        NDArray classes = NativeArrays.of(m, new long[] {3, 9}, new Shape(2));
        Dual x = Dual.of(JvpCheck.randn(m, 5, 2, 4, 4, 4));
        Dual tau = Dual.of(m.create(new double[] {0.2, 0.9}));
        NDArray conditional = teacher.forward(x, tau, classes).value();
        for (double w : new double[] {0.0, 1.0, 4.5, 12.0}) {
            NDArray scales = m.create(new double[] {w, w});
            NDArray out = student.velocity(x, tau, classes, scales).value();
            assertEquals(0.0, out.sub(conditional).abs().max().getDouble(), 0.0, "w = " + w);
        }
        // Once the guidance embedding has weights, w changes the output (the test above is not vacuous).
        JvpCheck.randomize(student, 4, 0.3);
        student.backbone().copyFrom(teacher);
        NDArray a = student.velocity(x, tau, classes, m.create(new double[] {1.0, 1.0})).value();
        NDArray b = student.velocity(x, tau, classes, m.create(new double[] {4.0, 4.0})).value();
        assertEquals(true, a.sub(b).abs().max().getDouble() > 1e-6);
    }
}
