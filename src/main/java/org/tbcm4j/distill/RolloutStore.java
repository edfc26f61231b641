package org.tbcm4j.distill;

import ai.djl.ndarray.NDManager;
import java.util.function.BiFunction;
import org.tbcm4j.nn.Tensors;

/**
 * The rollout-store ablation: the teacher's rollouts of a fixed set of prompts, made once and kept in
 * plain Java arrays (N·(K−1) points and velocities of C·H·W floats each), from which every iteration draws
 * its prompts. It asks whether TBCM needs fresh pairs, or whether the teacher's work can be done once.
 */
final class RolloutStore {
    private final float[][] points;
    private final float[][] velocities;
    private final float[][] times;
    private final long[] classes;
    private final float[] guidance;
    private final float[] keep;
    private final long teacherEvaluations;

    private RolloutStore(int size, int pointsPerPrompt, int latentSize, long teacherEvaluations) {
        points = new float[size][pointsPerPrompt * latentSize];
        velocities = new float[size][pointsPerPrompt * latentSize];
        times = new float[size][pointsPerPrompt];
        classes = new long[size];
        guidance = new float[size];
        keep = new float[size];
        this.teacherEvaluations = teacherEvaluations;
    }

    /**
     * Rolls out {@code size} prompts in batches of {@code batch}: {@code rollout} gives batch b's rollouts
     * (in the manager it is handed), {@code filter} its keep mask.
     */
    static RolloutStore build(int size, int batch, BiFunction<Long, NDManager, TeacherRollout> rollout,
            BiFunction<TeacherRollout, Long, float[]> filter, NDManager manager) {
        RolloutStore store = null;
        for (long b = 0; b * batch < size; b++) {
            try (NDManager chunk = manager.newSubManager()) {
                TeacherRollout r = rollout.apply(b, chunk);
                int k = r.steps();
                int latentSize = Math.toIntExact(r.endpoint().size() / batch);
                if (store == null) {
                    store = new RolloutStore(size, k - 1, latentSize, 2L * k * size);
                }
                float[] kept = filter.apply(r, b);
                long[] ids = r.classes().toLongArray();
                float[] w = r.guidance().toFloatArray();
                int first = Math.toIntExact(b * batch);
                int count = Math.min(batch, size - first);
                for (int i = 1; i < k; i++) {
                    float[] x = r.points().get(i).toFloatArray();
                    float[] v = r.velocities().get(i).toFloatArray();
                    for (int p = 0; p < count; p++) {
                        System.arraycopy(x, p * latentSize, store.points[first + p], (i - 1) * latentSize, latentSize);
                        System.arraycopy(v, p * latentSize, store.velocities[first + p], (i - 1) * latentSize,
                                latentSize);
                        store.times[first + p][i - 1] = (float) r.times()[p][i];
                    }
                }
                for (int p = 0; p < count; p++) {
                    store.classes[first + p] = ids[p];
                    store.guidance[first + p] = w[p];
                    store.keep[first + p] = kept[p];
                }
            }
        }
        return store;
    }

    int size() {
        return classes.length;
    }

    /** Teacher network evaluations the store cost (2 per route point and prompt: CFG). */
    long teacherEvaluations() {
        return teacherEvaluations;
    }

    /**
     * The pairs of the prompts {@code drawn}, laid out as fresh rollouts lay them out (pair i·P + p is route
     * point i + 1 of prompt p); with {@code chosen} non-null only those pair indices, one per prompt.
     */
    PairBatch batch(int[] drawn, long[] chosen, long[] latentShape, long teacherEvaluationsNow, NDManager m) {
        int prompts = drawn.length;
        int perPrompt = times[0].length;
        int latentSize = points[0].length / perPrompt;
        long[] pairs = chosen;
        if (pairs == null) {
            pairs = new long[perPrompt * prompts];
            for (int i = 0; i < pairs.length; i++) {
                pairs[i] = i;
            }
        }
        int n = pairs.length;
        float[] x = new float[n * latentSize];
        float[] v = new float[n * latentSize];
        float[] t = new float[n];
        long[] ids = new long[n];
        float[] w = new float[n];
        float[] mask = new float[n];
        int dropped = 0;
        for (int j = 0; j < n; j++) {
            int point = Math.toIntExact(pairs[j] / prompts);
            int prompt = drawn[Math.toIntExact(pairs[j] % prompts)];
            System.arraycopy(points[prompt], point * latentSize, x, j * latentSize, latentSize);
            System.arraycopy(velocities[prompt], point * latentSize, v, j * latentSize, latentSize);
            t[j] = times[prompt][point];
            ids[j] = classes[prompt];
            w[j] = guidance[prompt];
            mask[j] = keep[prompt];
        }
        for (int prompt : drawn) {
            dropped += keep[prompt] == 0f ? 1 : 0;
        }
        long[] shape = {n, latentShape[0], latentShape[1], latentShape[2]};
        return new PairBatch(Tensors.float32(m, x, shape), Tensors.float32(m, t, n), Tensors.float32(m, v, shape),
                Tensors.classIds(m, ids), Tensors.float32(m, w, n), Tensors.float32(m, mask, n), teacherEvaluationsNow,
                dropped, null);
    }
}
