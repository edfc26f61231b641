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
 *
 * <p>Three ablations of the official recipe, each off by default ({@link Options}): the fixed or the
 * sorted logit-normal route instead of the jittered one, one point per rollout instead of all K−1, and a
 * store of rollouts made once and drawn from every iteration instead of fresh rollouts.
 */
public final class TrajectoryPairs implements PairSource {
    /** The official code's logit_normal_trigflow mean and std (configs/600M_1024px_tbcm.yaml). */
    static final double LOGIT_MEAN = 0.2;
    static final double LOGIT_STD = 1.6;

    /**
     * How routes are drawn and pairs are taken: route ∈ {jittered, fixed, logit_normal_sorted} (see
     * DistillConfig), one point per rollout or all, and a store of that many prompts (0: fresh rollouts).
     */
    public record Options(String route, boolean onePointPerRollout, int store) {
        public static final Options OFFICIAL = new Options(DistillConfig.JITTERED, false, 0);
    }

    private final DiT teacher;
    private final ReferenceRoute route;
    private final int prompts;
    private final GuidanceScales guidanceScales;
    private final DegenerateFilter filter;
    private final long[] latentShape;
    private final long seed;
    private final Options options;
    private RolloutStore store;

    public TrajectoryPairs(DiT teacher, ReferenceRoute route, int prompts, GuidanceScales guidanceScales,
            DegenerateFilter filter, long seed) {
        this(teacher, route, prompts, guidanceScales, filter, seed, Options.OFFICIAL);
    }

    public TrajectoryPairs(DiT teacher, ReferenceRoute route, int prompts, GuidanceScales guidanceScales,
            DegenerateFilter filter, long seed, Options options) {
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
        this.options = options;
    }

    @Override
    public int pairsPerIteration() {
        return prompts * pointsPerRollout();
    }

    private int pointsPerRollout() {
        return options.onePointPerRollout() ? 1 : route.steps() - 1;
    }

    @Override
    public String name() {
        return "trajectory";
    }

    @Override
    public PairBatch next(long step, NDManager m) {
        return NoGrad.call(() -> options.store() > 0 ? fromStore(step, m) : fresh(step, m));
    }

    /** The official path: this iteration's prompts rolled out now. */
    private PairBatch fresh(long step, NDManager m) {
        TeacherRollout r = trajectories(step, m);
        float[] keep = keep(r, Rng.of(seed, "filter", step));
        int k = r.steps();
        NDList xs = new NDList();
        NDList ts = new NDList();
        NDList vs = new NDList();
        for (int i = 1; i < k; i++) {
            xs.add(r.points().get(i));
            ts.add(r.time(i));
            vs.add(r.velocities().get(i));
        }
        // [(K−1)·P], rollout step major: pair i·P + p is point i+1 of prompt p.
        NDArray x = NDArrays.concat(xs, 0);
        NDArray t = NDArrays.concat(ts, 0);
        NDArray v = NDArrays.concat(vs, 0);
        NDArray mask = Tensors.float32(m, keep, prompts);
        long teacherEvaluations = 2L * k * prompts;
        if (!options.onePointPerRollout()) {
            int pairs = k - 1;
            return new PairBatch(x, t, v, repeat(r.classes(), pairs), repeat(r.guidance(), pairs), repeat(mask, pairs),
                    teacherEvaluations, dropped(keep), null);
        }
        NDArray chosen = Tensors.classIds(m, chosenPairs(step, k));
        return new PairBatch(x.get(chosen), t.get(chosen), v.get(chosen), r.classes(), r.guidance(), mask,
                teacherEvaluations, dropped(keep), null);
    }

    /** Per prompt p, the index i·P + p of its one pair, i uniform in 0..K−2 (route points 1..K−1). */
    private long[] chosenPairs(long step, int k) {
        Rng rng = Rng.of(seed, "point", step);
        long[] index = new long[prompts];
        for (int p = 0; p < prompts; p++) {
            index[p] = (long) rng.nextInt(k - 1) * prompts + p;
        }
        return index;
    }

    /** The ablation: prompts drawn (with replacement) from rollouts made once, at the first iteration. */
    private PairBatch fromStore(long step, NDManager m) {
        long teacherEvaluations = 0;
        if (store == null) {
            store = RolloutStore.build(options.store(), prompts, (b, chunk) -> trajectories("store-", b, chunk),
                    (r, b) -> keep(r, Rng.of(seed, "store-filter", b)), m);
            teacherEvaluations = store.teacherEvaluations();
        }
        Rng rng = Rng.of(seed, "store-draw", step);
        int[] drawn = new int[prompts];
        for (int p = 0; p < prompts; p++) {
            drawn[p] = rng.nextInt(store.size());
        }
        long[] pairs = options.onePointPerRollout() ? chosenPairs(step, route.steps()) : null;
        return store.batch(drawn, pairs, latentShape, teacherEvaluations, m);
    }

    private float[] keep(TeacherRollout r, Rng rng) {
        if (filter == null) {
            float[] keep = new float[r.times().length];
            java.util.Arrays.fill(keep, 1f);
            return keep;
        }
        return filter.keep(r.endpoint(), rng);
    }

    private static int dropped(float[] keep) {
        int dropped = 0;
        for (float f : keep) {
            dropped += f == 0f ? 1 : 0;
        }
        return dropped;
    }

    /**
     * Iteration {@code step}'s prompts (class ids and guidance scales drawn from the configured set), their
     * routes, and the teacher's rollouts from σ_d·N(0, I). Call without gradient.
     */
    public TeacherRollout trajectories(long step, NDManager m) {
        return trajectories("", step, m);
    }

    /** The prompts and rollouts of one batch, from the random streams named by {@code stream} and a counter. */
    private TeacherRollout trajectories(String stream, long counter, NDManager m) {
        Rng rng = Rng.of(seed, stream + "prompts", counter);
        long[] classes = new long[prompts];
        double[] w = new double[prompts];
        double[][] times = new double[prompts][];
        for (int p = 0; p < prompts; p++) {
            classes[p] = rng.nextInt(teacher.config().numClasses());
            w[p] = guidanceScales.draw(rng);
            Rng routeRng = rng.fork();
            times[p] = switch (options.route()) {
                case DistillConfig.FIXED -> route.fixed();
                case DistillConfig.LOGIT_NORMAL_SORTED ->
                        ReferenceRoute.logitNormalSorted(route.steps(), LOGIT_MEAN, LOGIT_STD, routeRng);
                default -> route.jittered(routeRng);
            };
        }
        NDArray classIds = Tensors.classIds(m, classes);
        NDArray scales = Tensors.float32(m, w);
        Shape shape = new Shape(prompts, latentShape[0], latentShape[1], latentShape[2]);
        NDArray start = Tensors.normal(m, Rng.of(seed, stream + "start-noise", counter), shape, DataType.FLOAT32,
                TrigFlow.SIGMA_D);
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
