package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.tbcm4j.eval.EquivalentNoise;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * TBCM's diffusion-generation space gap, measured along the teacher's own trajectories. At each route
 * point x_t with endpoint x̂₀ the equivalent noise is ẑ = (x_t − cos t·x̂₀)/sin t; in diffusion space
 * ‖ẑ‖/(σ_d√D) = 1 and cos(ẑ, x̂₀) = 0. For each student, its consistency error at the trajectory point
 * (against x̂₀) and at the diffusion point cos t·x̂₀ + sin t·z built from the same endpoint (against the
 * teacher's solution from there along the same remaining route).
 */
public final class GapAnalysis {
    /** Per route index i = 1..K−1, averaged over trajectories. */
    public record Row(int index, double t, double zNormRatio, double zEndpointCosine, List<StudentError> students) {}

    /** A student's mean squared consistency error (unit-variance latents) at both kinds of point. */
    public record StudentError(double generation, double diffusion) {}

    /** The rows and the number of trajectories they average. */
    public record Result(List<Row> rows, int trajectories) {}

    private static final int BATCH = 50;

    private GapAnalysis() {}

    /** Rolls out {@code prompts} trajectories at guidance {@code cfg} along the route and measures them. */
    public static Result measure(DiT teacher, List<Student> students, int prompts, double cfg, ReferenceRoute route,
            long seed, NDManager root) {
        if (prompts < 1) {
            throw new IllegalArgumentException("the number of trajectories must be at least 1, got " + prompts);
        }
        GuidanceScales scales = GuidanceScales.of("the guidance scale", cfg);
        int columns = 3 + 2 * students.size();
        double[][] sums = new double[route.steps()][columns];
        for (int done = 0, batch = 0; done < prompts; done += BATCH, batch++) {
            int p = Math.min(BATCH, prompts - done);
            TrajectoryPairs source = new TrajectoryPairs(teacher, route, p, scales, null, seed);
            long b = batch + 1;
            try (StepScope s = StepScope.open(root)) {
                NoGrad.call(() -> {
                    accumulate(source.trajectories(b, s.manager()), teacher, students, sums, seed, b);
                    return null;
                });
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < sums.length; i++) {
            double[] mean = new double[columns];
            for (int c = 0; c < columns; c++) {
                mean[c] = sums[i][c] / prompts;
            }
            List<StudentError> errors = new ArrayList<>();
            for (int j = 0; j < students.size(); j++) {
                errors.add(new StudentError(mean[3 + 2 * j], mean[4 + 2 * j]));
            }
            rows.add(new Row(i, mean[0], mean[1], mean[2], errors));
        }
        return new Result(rows, prompts);
    }

    /** Adds one batch of trajectories to the per-index sums: t, ‖ẑ‖ ratio, cos(ẑ, x̂₀), then two errors a student. */
    private static void accumulate(TeacherRollout r, DiT teacher, List<Student> students, double[][] sums, long seed,
            long batch) {
        NDArray x0 = r.endpoint();
        for (int i = 1; i < r.steps(); i++) {
            NDArray t = r.time(i);
            NDArray xt = r.points().get(i);
            NDArray zHat = EquivalentNoise.of(xt, t, x0);
            add(sums[i], 0, t.toType(DataType.FLOAT64, false).toDoubleArray());
            add(sums[i], 1, EquivalentNoise.normRatio(zHat));
            add(sums[i], 2, EquivalentNoise.cosine(zHat, x0));
            if (students.isEmpty()) {
                continue;
            }
            NDArray z = Tensors.normal(xt.getManager(), Rng.of(seed, "gap-noise-" + i, batch), xt.getShape(),
                    DataType.FLOAT32, TrigFlow.SIGMA_D);
            NDArray diffusionPoint = TrigFlow.noise(x0, z, t);
            NDArray diffusionTarget = r.solveFrom(teacher, diffusionPoint, i);
            for (int j = 0; j < students.size(); j++) {
                var f = students.get(j).trigFlow(r.classes(), r.guidance());
                add(sums[i], 3 + 2 * j, EquivalentNoise.meanSquaredError(f.x0(xt, t), x0));
                add(sums[i], 4 + 2 * j, EquivalentNoise.meanSquaredError(f.x0(diffusionPoint, t), diffusionTarget));
            }
        }
    }

    private static void add(double[] row, int column, double[] values) {
        for (double v : values) {
            row[column] += v;
        }
    }
}
