package org.tbcm4j.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tbcm4j.distill.Auxiliary;
import org.tbcm4j.distill.DataPairs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.DistillTask;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.distill.PairBatch;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.train.Phases;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingListener;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.ProcessMemory;
import org.tbcm4j.util.Trees;

/**
 * Where one distillation iteration's time and memory go, part by part, for any arm, measured on the real
 * iteration: {@link TrainLoop} runs the config's own task in a scratch run directory, and a timing listener
 * times each phase the loop and the task name (the pairs, with the data arms' real batch and encoder; the
 * student's JVP pass; a method's own term in the student's loss; the backward; the optimizer step; the EMA; a
 * method's own update). A phase with parts inside it gets a row for its time besides those parts, and the
 * iteration's time outside every phase (scopes, collector) is a row too, so the rows add up to the iteration.
 * Beside them, reference rows (not in the total) time one teacher forward on the iteration's batch, the unit
 * in which docs/results/sana-sprint-cost.md extrapolates to other scales, and the method's own reference work
 * (with LADD the teacher's features for the discriminator's three batches).
 */
public final class IterationBreakdown {
    /** The reference row: one teacher forward on the iteration's batch. */
    public static final String TEACHER_FORWARD = "reference: one teacher forward on the batch (no grad)";
    /** The iteration's time outside every named phase. */
    public static final String OUTSIDE_PHASES = "the rest of the iteration (scopes, gradient collector)";
    static final String REST = " (besides its parts above)";

    /** What a row is: a part of the iteration (counted in the total), or a reference (not). */
    public enum Role { COMPONENT, REFERENCE }

    /**
     * One row: median and minimum milliseconds over the timed iterations, and in the first iteration (when
     * the allocator holds nothing yet) how far resident memory rose above its level at the row's start (-1
     * where the peak cannot be reset, and for a phase's time besides its parts).
     */
    public record Component(String name, Role role, double medianMs, double minMs, long peakRiseBytes) {}

    /**
     * The breakdown, the total of the rows' medians, the bytes of weights and optimizer state held throughout
     * (exact, float32), resident memory once everything is built (before the first iteration), and the
     * process's peak resident memory.
     */
    public record Result(List<Component> components, double totalMs, Map<String, Long> stateBytes,
            long residentAfterSetupBytes, long peakResidentBytes, int pairsPerIteration) {}

    private IterationBreakdown() {}

    public static Result measure(DistillConfig cfg, Path dataDir, int warmup, int iterations, NDManager root) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("warmup must be at least 0 and iterations at least 1");
        }
        DistillConfig bench = benchConfig(cfg, warmup + iterations);
        Distillation.Parts parts = Distillation.build(bench, dataDir, root);
        Student student = parts.student();
        Auxiliary auxiliary = parts.auxiliary();
        Timer timer = new Timer(warmup, iterations);
        long residentAfterSetup = ProcessMemory.residentBytes();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("tbcm-bench-iteration");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            new TrainLoop(new RunDirectory(scratch), ModelFiles.STUDENT, student.config(), bench.training(), bench.seed())
                    .run(student, parts.average(), new DistillTask(student, parts.source(), parts.loss(), List.of(), null,
                            auxiliary), false, 0, root, List.of(timer), timer);
        } finally {
            Trees.delete(scratch);
        }
        // reference work on an iteration's batch, outside the iteration
        for (int i = 0; i < warmup + iterations; i++) {
            long step = i + 1;
            timer.startReference(i);
            try (StepScope s = StepScope.open(root)) {
                PairBatch pairs = parts.source().next(step, s.manager());
                if (parts.teacher() != null) {
                    timer.reference(TEACHER_FORWARD, () -> NoGrad.call(() -> parts.teacher().forward(
                            Dual.of(pairs.xt()), Dual.of(pairs.t()), pairs.classes()).value()));
                }
                if (auxiliary != null) {
                    auxiliary.referenceWork(pairs).forEach(timer::reference);
                }
            }
        }
        List<Component> components = timer.components();
        double total = components.stream().filter(c -> c.role() != Role.REFERENCE).mapToDouble(Component::medianMs).sum();
        Map<String, Long> state = new LinkedHashMap<>();
        if (parts.teacher() != null) {
            state.put("teacher weights (frozen)", 4 * parts.teacher().parameterCount());
        }
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

    /**
     * The config as a short run of {@code steps} iterations that writes nothing along the way, with a
     * method's own term active from the first (DMD's joins late in a real run; its cost is what is asked).
     */
    static DistillConfig benchConfig(DistillConfig cfg, long steps) {
        ObjectNode tree = Json.JSON.valueToTree(cfg);
        ObjectNode training = (ObjectNode) tree.get("training");
        training.put("steps", steps);
        training.put("warmup_steps", 0);
        training.put("checkpoint_every", steps);
        training.put("log_every", steps);
        training.put("eval_every", 0);
        training.put("snapshot_every", 0);
        ObjectNode loss = (ObjectNode) tree.get("loss");
        loss.put("tangent_warmup", 1);
        loss.put("calm_down_start", steps);
        loss.put("calm_down_steps", 1);
        if (tree.get("dmd") instanceof ObjectNode dmd) {
            dmd.put("start", 0);
        }
        return Json.JSON.convertValue(tree, DistillConfig.class);
    }

    /**
     * Times the loop's and the task's phases into per-row tables; warm-up iterations are run but not kept.
     * Memory is read in the first iteration only, since later ones reuse what the allocator kept.
     */
    private static final class Timer implements Phases, TrainingListener {
        private final int warmup;
        private final int iterations;
        private final Map<String, double[]> ms = new LinkedHashMap<>();
        private final Map<String, Role> roles = new LinkedHashMap<>();
        private final Map<String, Long> rise = new LinkedHashMap<>();
        private final Deque<long[]> open = new ArrayDeque<>();   // per open phase: {start ns, ns in its parts}
        private int index;          // iterations ended so far
        private long phaseNanos;    // this iteration's time inside outermost phases

        Timer(int warmup, int iterations) {
            this.warmup = warmup;
            this.iterations = iterations;
        }

        @Override
        public <T> T run(String name, Supplier<T> body) {
            boolean first = index == 0;
            boolean reset = first && ProcessMemory.resetPeak();
            long before = ProcessMemory.residentBytes();
            long[] frame = {System.nanoTime(), 0};
            open.push(frame);
            T out;
            try {
                out = body.get();
            } finally {
                open.pop();
            }
            long elapsed = System.nanoTime() - frame[0];
            boolean hasParts = frame[1] > 0;
            record(hasParts ? name + REST : name, Role.COMPONENT, elapsed - frame[1],
                    first ? (reset && !hasParts ? Math.max(0, ProcessMemory.peakResidentBytes() - before) : -1) : null);
            if (open.isEmpty()) {
                phaseNanos += elapsed;
            } else {
                open.peek()[1] += elapsed;
            }
            return out;
        }

        @Override
        public void iterationEnded(Step step) {
            record(OUTSIDE_PHASES, Role.COMPONENT, Math.max(0, Math.round(step.seconds() * 1e9) - phaseNanos),
                    index == 0 ? -1L : null);
            phaseNanos = 0;
            index++;
        }

        void startReference(int iteration) {
            index = iteration;
        }

        <T> T reference(String name, Supplier<T> body) {
            boolean first = index == 0;
            boolean reset = first && ProcessMemory.resetPeak();
            long before = ProcessMemory.residentBytes();
            long t0 = System.nanoTime();
            T out = body.get();
            record(name, Role.REFERENCE, System.nanoTime() - t0,
                    first ? (reset ? Math.max(0, ProcessMemory.peakResidentBytes() - before) : -1) : null);
            return out;
        }

        private void record(String name, Role role, long nanos, Long firstRise) {
            roles.putIfAbsent(name, role);
            if (firstRise != null) {
                rise.merge(name, firstRise, Math::max);
            }
            int slot = index - warmup;
            if (slot >= 0) {
                // a phase run twice in one iteration counts once with both times
                ms.computeIfAbsent(name, k -> new double[iterations])[slot] += nanos / 1e6;
            }
        }

        List<Component> components() {
            List<Component> out = new ArrayList<>();
            List<String> order = new ArrayList<>(ms.keySet());
            // the outside row last among the iteration's rows, the references after
            order.remove(OUTSIDE_PHASES);
            int firstReference = (int) order.stream().takeWhile(n -> roles.get(n) != Role.REFERENCE).count();
            order.add(firstReference, OUTSIDE_PHASES);
            for (String name : order) {
                double[] sorted = ms.get(name).clone();
                Arrays.sort(sorted);
                out.add(new Component(name, roles.get(name), sorted[sorted.length / 2], sorted[0],
                        rise.getOrDefault(name, -1L)));
            }
            return out;
        }
    }
}
