package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * TBCM's image-free pairs (tbcm-method.md §2.2 steps 1–5). Per prompt (a class id with a guidance
 * scale drawn from the configured set): a jittered reference route, x at π/2 drawn as σ_d·N(0, I), the
 * teacher's CFG rollout with first-order TrigFlow steps, and the K−1 non-noise points kept as pairs
 * (x_i, t̃_i, v_i), reusing the rollout's velocities with no extra teacher calls. No dataset and no
 * encoder are involved.
 */
public final class TrajectoryPairs implements PairSource {
    private final DiT teacher;
    private final ReferenceRoute route;
    private final int prompts;
    private final GuidanceScales guidanceScales;
    private final DegenerateFilter filter;
    private final long[] latentShape;
    private final long seed;

    public TrajectoryPairs(DiT teacher, ReferenceRoute route, int prompts, GuidanceScales guidanceScales,
            DegenerateFilter filter, long seed) {
        if (prompts < 1) {
            throw new IllegalArgumentException("prompts_per_iteration must be at least 1, got " + prompts);
        }
        this.teacher = teacher;
        this.route = route;
        this.prompts = prompts;
        this.guidanceScales = guidanceScales;
        this.filter = filter;
        this.latentShape = new long[] {teacher.config().channels(), teacher.config().imageSize(),
            teacher.config().imageSize()};
        this.seed = seed;
    }

    @Override
    public int pairsPerIteration() {
        return prompts * (route.steps() - 1);
    }

    @Override
    public String name() {
        return "trajectory";
    }

    @Override
    public PairBatch next(long step, NDManager m) {
        return NoGrad.call(() -> rollout(step, m));
    }

    private PairBatch rollout(long step, NDManager m) {
        TeacherRollout r = trajectories(step, m);
        float[] keep = new float[prompts];
        java.util.Arrays.fill(keep, 1f);
        int dropped = 0;
        if (filter != null) {
            keep = filter.keep(r.endpoint(), Rng.of(seed, "filter", step));
            for (float f : keep) {
                dropped += f == 0f ? 1 : 0;
            }
        }
        int k = r.steps();
        NDList xs = new NDList();
        NDList ts = new NDList();
        NDList vs = new NDList();
        for (int i = 1; i < k; i++) {
            xs.add(r.points().get(i));
            ts.add(r.time(i));
            vs.add(r.velocities().get(i));
        }
        NDArray mask = Tensors.float32(m, keep, prompts);
        int pairs = k - 1;
        return new PairBatch(NDArrays.concat(xs, 0), NDArrays.concat(ts, 0), NDArrays.concat(vs, 0),
                repeat(r.classes(), pairs), repeat(r.guidance(), pairs), repeat(mask, pairs), 2L * k * prompts, dropped);
    }

    /**
     * Iteration {@code step}'s prompts (class ids and guidance scales drawn from the configured set), their
     * jittered routes, and the teacher's rollouts from σ_d·N(0, I). Call without gradient.
     */
    public TeacherRollout trajectories(long step, NDManager m) {
        Rng rng = Rng.of(seed, "prompts", step);
        long[] classes = new long[prompts];
        double[] w = new double[prompts];
        double[][] times = new double[prompts][];
        for (int p = 0; p < prompts; p++) {
            classes[p] = rng.nextInt(teacher.config().numClasses());
            w[p] = guidanceScales.draw(rng);
            times[p] = route.jittered(rng.fork());
        }
        NDArray classIds = Tensors.classIds(m, classes);
        NDArray scales = Tensors.float32(m, w);
        Shape shape = new Shape(prompts, latentShape[0], latentShape[1], latentShape[2]);
        NDArray start = Tensors.normal(m, Rng.of(seed, "start-noise", step), shape, DataType.FLOAT32, TrigFlow.SIGMA_D);
        return TeacherRollout.run(teacher, classIds, scales, times, start);
    }

    /** [P] → [pairs·P], in the order the pairs were concatenated (rollout step major). */
    private static NDArray repeat(NDArray perPrompt, int pairs) {
        NDList copies = new NDList();
        for (int i = 0; i < pairs; i++) {
            copies.add(perPrompt);
        }
        return NDArrays.concat(copies, 0);
    }
}
