package org.tbcm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.report.MetricsTable;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Rng;

/**
 * A loss given as named terms is backpropagated term by term: the loop logs each term's gradient norm, which
 * must equal the norm of that term's gradient computed alone, and the total it logs must be the norm of the sum.
 */
class TermGradientsTest extends WithManager {
    private static final DiTConfig CONFIG = new DiTConfig(4, 4, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);
    private static final TrainingConfig ONE_STEP = new TrainingConfig(1, 4, 1e-2, 0, false, 0.0, 0.0, 0.0, 1, 1, 0, 0,
            null, null);

    @TempDir
    Path tmp;

    /** Two terms on two separate forward passes of the model, as sCM and a method's own term are. */
    private static Map<String, NDArray> terms(DiT model, NDManager manager) {
        Rng rng = Rng.of(9, "terms", 1);
        NDArray ids = org.tbcm4j.nn.NativeArrays.of(manager, new long[] {0, 3, 9, 10}, new Shape(4));
        NDArray x1 = Tensors.normal(manager, rng, new Shape(4, 4, 4, 4), DataType.FLOAT32, 1);
        NDArray x2 = Tensors.normal(manager, rng, new Shape(4, 4, 4, 4), DataType.FLOAT32, 1);
        NDArray tau = Tensors.uniform(manager, rng, new Shape(4), DataType.FLOAT32, 0, 1);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("a", model.forward(Dual.of(x1), Dual.of(tau), ids).value().sub(x1).square().mean());
        terms.put("b", org.tbcm4j.nn.Scalars.mul(model.forward(Dual.of(x2), Dual.of(tau), ids).value()
                .sub(org.tbcm4j.nn.Scalars.mul(x2, -2)).square().mean(), 3));
        return terms;
    }

    private static final class TwoTerms implements TrainingTask {
        private final DiT model;

        TwoTerms(DiT model) {
            this.model = model;
        }

        @Override
        public int examplesPerStep() {
            return 4;
        }

        @Override
        public List<String> metricNames() {
            return List.of("loss", "grad_norm_a", "grad_norm_b");
        }

        @Override
        public StepLoss loss(long step, NDManager manager) {
            Map<String, NDArray> t = terms(model, manager);
            NDArray loss = t.get("a").add(t.get("b"));
            return new StepLoss(loss, Map.of("loss", loss), Map.of(), t);
        }
    }

    private static DiT fresh(NDManager manager) {
        DiT model = new DiT(CONFIG);
        model.initialize(manager, DataType.FLOAT32, 3);
        return model;
    }

    /** The global norm of the gradient of {@code which} terms, each backpropagated alone from zero gradients. */
    private double norm(List<String> which) {
        try (NDManager sub = m.newSubManager()) {
            DiT model = fresh(sub);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Map<String, NDArray> t = terms(model, sub);
                NDArray loss = null;
                for (String name : which) {
                    loss = loss == null ? t.get(name) : loss.add(t.get(name));
                }
                gc.backward(loss);
            }
            double sum = 0;
            for (Parameter p : model.parameters().values()) {
                if (p.array().hasGradient()) {
                    sum += p.array().getGradient().toType(DataType.FLOAT64, false).square().sum().getDouble();
                }
            }
            return Math.sqrt(sum);
        }
    }

    @Test
    void eachTermsGradientNormIsThatOfItsGradientAloneAndTheTotalIsTheirSum() {
        DiT model = fresh(m);
        new TrainLoop(new RunDirectory(tmp.resolve("run")), "teacher", CONFIG, ONE_STEP, 3)
                .run(model, null, new TwoTerms(model), false, 0, m);
        MetricsTable metrics = MetricsTable.read(tmp.resolve("run").resolve("metrics.csv"));
        double a = metrics.column("grad_norm_a").get(0)[1];
        double b = metrics.column("grad_norm_b").get(0)[1];
        double total = metrics.column("grad_norm").get(0)[1];
        assertEquals(norm(List.of("a")), a, 1e-5 * a);
        assertEquals(norm(List.of("b")), b, 1e-5 * b);
        assertEquals(norm(List.of("a", "b")), total, 1e-5 * total);
        // the terms pull in different directions: the total is not the sum of the norms
        org.junit.jupiter.api.Assertions.assertTrue(total < a + b - 1e-6 * total, total + " " + a + " " + b);
    }
}
