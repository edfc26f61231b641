package org.tbcm4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tbcm4j.distill.Auxiliary;
import org.tbcm4j.distill.ConsistencyLoss;
import org.tbcm4j.distill.DataPairs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.distill.PairBatch;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.ProcessMemory;

/**
 * Where one distillation iteration's time and memory go, component by component, for any arm: the pairs
 * (TBCM's teacher rollout, or the data arms' real batch, encoder and teacher velocity), the student's JVP
 * pass (F with its graph and the JVP J without one: the sCM loss), its backward, the optimizer step, and for
 * a method with a network of its own ({@link Auxiliary}) its term in the student's loss and its own update
 * (with LADD: the generator's adversarial pass through the frozen teacher and the heads, and the
 * discriminator's update). Each component is timed on its own, so the sum slightly exceeds a training
 * iteration (two backward passes instead of one with LADD). Beside them, reference rows (not in the total)
 * time one teacher forward on the iteration's batch, the unit in which docs/results/sana-sprint-cost.md
 * extrapolates to other scales, and the auxiliary's own reference work (with LADD the teacher's features
 * for the discriminator's three batches).
 */
public final class IterationBreakdown {
    /** Components in iteration order; "of which" rows are parts of the row above, and neither they nor
     * the reference rows are added to the total. */
    public static final String PAIRS = "pairs";
    public static final String REAL_AND_ENCODER = "of which real batch and encoder";
    public static final String STUDENT_PASS = "student pass: F recorded, JVP J without graph (sCM loss)";
    public static final String STUDENT_BACKWARD = "student backward (sCM loss)";
    public static final String OPTIMIZER = "student optimizer step";
    public static final String TEACHER_FORWARD = "reference: one teacher forward on the batch (no grad)";

    /** What a row is: a component of the iteration, a part of the component above it, or a reference. */
    public enum Role { COMPONENT, PART, REFERENCE }

    /**
     * One row: median and minimum milliseconds over the timed iterations, and in the first iteration (when
     * the allocator holds nothing yet) how far resident memory rose above its level at the row's start (-1
     * where the peak cannot be reset).
     */
    public record Component(String name, Role role, double medianMs, double minMs, long peakRiseBytes) {}

    /**
     * The breakdown, the total of the components' medians, the bytes of weights and optimizer state held
     * throughout (exact, float32), resident memory once everything is built (before the first iteration),
     * and the process's peak resident memory.
     */
    public record Result(List<Component> components, double totalMs, Map<String, Long> stateBytes,
            long residentAfterSetupBytes, long peakResidentBytes, int pairsPerIteration) {}

    private IterationBreakdown() {}

    public static Result measure(DistillConfig cfg, Path dataDir, int warmup, int iterations, NDManager root) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("warmup must be at least 0 and iterations at least 1");
        }
        Distillation.Parts parts = Distillation.build(cfg, dataDir, root);
        Student student = parts.student();
        Auxiliary auxiliary = parts.auxiliary();
        AdamW optimizer = new AdamW(student, cfg.training().optimizer(), root);
        AdamW own = auxiliary == null ? null : new AdamW(auxiliary.model(), auxiliary.optimizer(), root);
        Map<String, double[]> ms = new LinkedHashMap<>();
        Map<String, Long> rise = new LinkedHashMap<>();
        Map<String, Role> roles = new LinkedHashMap<>();
        long residentAfterSetup = ProcessMemory.residentBytes();
        for (int i = 0; i < warmup + iterations; i++) {
            long step = i + 1;
            int slot = i - warmup;
            Timer timer = new Timer(ms, rise, roles, slot, iterations, i == 0);
            try (StepScope s = StepScope.open(root)) {
                NDManager m = s.manager();
                PairBatch pairs = timer.time(PAIRS, Role.COMPONENT, () -> parts.source().next(step, m));
                if (parts.source() instanceof DataPairs data) {
                    timer.time(REAL_AND_ENCODER, Role.PART, () -> data.clean(step, 0, m));
                }
                timer.time(TEACHER_FORWARD, Role.REFERENCE, () -> NoGrad.call(() -> parts.teacher().forward(
                        Dual.of(pairs.xt()), Dual.of(pairs.t()), pairs.classes()).value()));
                if (auxiliary != null) {
                    auxiliary.referenceWork(pairs).forEach((name, work) -> timer.time(name, Role.REFERENCE, work));
                }
                double r = parts.loss().r(step);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = timer.time(STUDENT_PASS, Role.COMPONENT,
                            () -> ConsistencyLoss.compute(student, pairs, r, parts.loss().normConstant()).loss());
                    timer.time(STUDENT_BACKWARD, Role.COMPONENT, () -> {
                        gc.backward(loss);
                        return null;
                    });
                }
                if (auxiliary != null) {
                    // the term as it is once active, whatever its schedule says at this step
                    timer.time(auxiliary.studentTermName(), Role.COMPONENT, () -> backward(() -> auxiliary.studentTerm(step,
                            student, pairs, pairs.t(), new LinkedHashMap<>())));
                }
                timer.time(OPTIMIZER, Role.COMPONENT, optimizer::step);
                if (auxiliary != null) {
                    timer.time(auxiliary.updateName(), Role.COMPONENT, () -> {
                        own.clearGradients();
                        backward(() -> auxiliary.loss(step, m).loss());
                        return own.step();
                    });
                }
            }
        }
        List<Component> components = new ArrayList<>();
        double total = 0;
        for (Map.Entry<String, double[]> e : ms.entrySet()) {
            double[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            Role role = roles.get(e.getKey());
            Component c = new Component(e.getKey(), role, sorted[sorted.length / 2], sorted[0], rise.get(e.getKey()));
            components.add(c);
            total += role == Role.COMPONENT ? c.medianMs() : 0;
        }
        Map<String, Long> state = new LinkedHashMap<>();
        state.put("teacher weights (frozen)", 4 * parts.teacher().parameterCount());
        // weights, gradients and AdamW's two moments
        state.put("student weights, gradients, AdamW moments", 16 * student.parameterCount());
        if (parts.average() != null) {
            state.put("student EMA", 4 * parts.average().parameterCount());
        }
        if (auxiliary != null) {
            state.putAll(auxiliary.stateBytes());
        }
        if (parts.source() instanceof DataPairs data && data.precomputedBytes() > 0) {
            state.put("precomputed training latents (Java heap)", data.precomputedBytes());
        }
        return new Result(components, total, state, residentAfterSetup, ProcessMemory.peakResidentBytes(),
                parts.source().pairsPerIteration());
    }

    private static Object backward(Supplier<NDArray> loss) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss.get());
        }
        return null;
    }

    /**
     * Times the rows of one iteration into the shared tables (warm-up iterations have a negative slot);
     * memory is read in the first iteration only, since later ones reuse what the allocator kept.
     */
    private record Timer(Map<String, double[]> ms, Map<String, Long> rise, Map<String, Role> roles, int slot,
            int iterations, boolean first) {
        <T> T time(String name, Role role, Supplier<T> body) {
            boolean reset = first && ProcessMemory.resetPeak();
            long before = ProcessMemory.residentBytes();
            long t0 = System.nanoTime();
            T out = body.get();
            double elapsed = (System.nanoTime() - t0) / 1e6;
            roles.put(name, role);
            if (first) {
                rise.put(name, reset ? Math.max(0, ProcessMemory.peakResidentBytes() - before) : -1);
            }
            if (slot >= 0) {
                ms.computeIfAbsent(name, k -> new double[iterations])[slot] = elapsed;
            }
            return out;
        }
    }
}
