package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Guidance;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.trigflow.TrigFlowModel;

/**
 * The teacher's guided generation trajectories along per-prompt jittered routes (tbcm-method.md §2.2
 * step 3): from x at π/2, first-order TrigFlow steps x ← cos Δ·x − sin Δ·v with v = σ_d·F_guided, one
 * guided evaluation per route point. Call without gradient.
 *
 * @param points x at route indices 0..K−1 [P, C, H, W] (index 0 is the noise)
 * @param velocities the guided velocity v = dx/dt at each of those points
 * @param times per prompt, the K route times then 0 ([P][K + 1])
 * @param endpoint the final sample x̂₀ [P, C, H, W] (data scale)
 */
public record TeacherRollout(List<NDArray> points, List<NDArray> velocities, double[][] times, NDArray endpoint,
        NDArray classes, NDArray guidance) {

    /** Rolls out from {@code start} (x at π/2, data scale) for classes [P] and guidance scales w [P]. */
    public static TeacherRollout run(DiT teacher, NDArray classes, NDArray guidance, double[][] times, NDArray start) {
        TrigFlowModel model = Guidance.trigFlow(teacher, classes, guidance);
        List<NDArray> points = new ArrayList<>();
        List<NDArray> velocities = new ArrayList<>();
        NDArray x = start;
        NDManager m = start.getManager();
        NDArray t = column(m, times, 0);
        for (int i = 0; i < times[0].length - 1; i++) {
            NDArray next = column(m, times, i + 1);
            NDArray v = model.velocity(x, t);
            points.add(x);
            velocities.add(v);
            x = step(x, v, t, next);
            t = next;
        }
        return new TeacherRollout(points, velocities, times, x, classes, guidance);
    }

    /** Route length K. */
    public int steps() {
        return points.size();
    }

    /** The i-th route time of every prompt, [P]. */
    public NDArray time(int i) {
        return column(endpoint.getManager(), times, i);
    }

    /**
     * The teacher's solution from other points {@code x} [P, …] placed at route index {@code from}: the
     * same first-order steps along the same remaining route, so it ends where a consistency function
     * at (x, t̃_from) should map.
     */
    public NDArray solveFrom(DiT teacher, NDArray x, int from) {
        TrigFlowModel model = Guidance.trigFlow(teacher, classes, guidance);
        NDManager m = x.getManager();
        NDArray t = column(m, times, from);
        for (int i = from; i < times[0].length - 1; i++) {
            NDArray next = column(m, times, i + 1);
            x = step(x, model.velocity(x, t), t, next);
            t = next;
        }
        return x;
    }

    /** One first-order TrigFlow step from times t to next, both [P]. */
    private static NDArray step(NDArray x, NDArray v, NDArray t, NDArray next) {
        NDArray delta = TrigFlow.perSample(t.sub(next), x);
        return x.mul(delta.cos()).sub(v.mul(delta.sin()));
    }

    private static NDArray column(NDManager m, double[][] times, int i) {
        float[] t = new float[times.length];
        for (int p = 0; p < times.length; p++) {
            t[p] = (float) times[p][i];
        }
        return Tensors.float32(m, t, times.length);
    }
}
