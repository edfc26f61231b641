package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.distill.TeacherRollout;
import org.tbcm4j.distill.TrajectoryPairs;
import org.tbcm4j.eval.EquivalentNoise;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm gap}: how generation-space points differ from diffusion-space ones, and what students make of each. */
@Command(name = "gap", mixinStandardHelpOptions = true,
        description = "Measure the diffusion-generation space gap along the teacher's trajectories: the equivalent "
                + "noise ẑ = (x_t − cos t·x̂₀)/sin t (its norm and its correlation with the endpoint x̂₀), and, for "
                + "each --student, its consistency error at trajectory points and at diffusion points "
                + "cos t·x̂₀ + sin t·z built from the same endpoints. Needs no dataset.")
public final class GapCommand implements Callable<Integer> {
    @Option(names = "--teacher", defaultValue = "models/fashion-mnist/teacher.safetensors",
            description = "Teacher (default: ${DEFAULT-VALUE}).")
    String teacher;

    @Option(names = "--student", description = "Student model(s) to measure (repeatable).")
    List<String> students = new ArrayList<>();

    @Option(names = "--prompts", defaultValue = "200", description = "Trajectories (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--cfg", defaultValue = "3.0", description = "Guidance scale of the rollouts and students "
            + "(default: ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--route-steps", defaultValue = "16", description = "K (default: ${DEFAULT-VALUE}).")
    int routeSteps;

    @Option(names = "--route-shift", defaultValue = "2.5", description = "Route shift (default: ${DEFAULT-VALUE}).")
    double routeShift;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Also print one JSON object as the last line of standard output.")
    boolean json;

    private static final int BATCH = 50;

    @Override
    public Integer call() {
        if (prompts < 1) {
            throw new IllegalArgumentException("--prompts must be at least 1, got " + prompts);
        }
        try (NDManager root = Backend.newManager()) {
            DiT dit = ModelFiles.teacher(Home.resolve(teacher), root);
            List<Student> models = new ArrayList<>();
            for (String s : students) {
                models.add(ModelFiles.student(Home.resolve(s), root));
            }
            ReferenceRoute route = new ReferenceRoute(routeSteps, routeShift);
            int k = routeSteps;
            // Sums per route index i = 1..K−1: t, ‖ẑ‖ ratio, cos(ẑ, x̂₀); per student, error at both kinds of point.
            double[][] sums = new double[k][3 + 2 * models.size()];
            int counted = 0;
            for (int done = 0, batch = 0; done < prompts; done += BATCH, batch++) {
                int p = Math.min(BATCH, prompts - done);
                TrajectoryPairs source = new TrajectoryPairs(dit, route, p, new double[] {cfg}, null, seed);
                long b = batch + 1;
                try (StepScope s = StepScope.open(root)) {
                    NoGrad.call(() -> {
                        measure(source.trajectories(b, s.manager()), dit, models, sums, b);
                        return null;
                    });
                }
                counted += p;
            }
            print(sums, counted);
        }
        return 0;
    }

    private void measure(TeacherRollout r, DiT dit, List<Student> models, double[][] sums, long batch) {
        NDArray x0 = r.endpoint();
        for (int i = 1; i < r.steps(); i++) {
            NDArray t = r.time(i);
            NDArray xt = r.points().get(i);
            NDArray zHat = EquivalentNoise.of(xt, t, x0);
            add(sums[i], 0, t.toType(DataType.FLOAT64, false).toDoubleArray());
            add(sums[i], 1, EquivalentNoise.normRatio(zHat));
            add(sums[i], 2, EquivalentNoise.cosine(zHat, x0));
            if (models.isEmpty()) {
                continue;
            }
            NDArray z = Tensors.normal(xt.getManager(), Rng.of(seed, "gap-noise-" + i, batch), xt.getShape(), DataType.FLOAT32,
                    TrigFlow.SIGMA_D);
            NDArray diffusionPoint = TrigFlow.noise(x0, z, t);
            NDArray diffusionTarget = r.solveFrom(dit, diffusionPoint, i);
            for (int j = 0; j < models.size(); j++) {
                add(sums[i], 3 + 2 * j, EquivalentNoise.meanSquaredError(consistency(models.get(j), r, xt, t), x0));
                add(sums[i], 4 + 2 * j, EquivalentNoise.meanSquaredError(consistency(models.get(j), r, diffusionPoint, t),
                        diffusionTarget));
            }
        }
    }

    /** The student's consistency function f = cos t·x − sin t·σ_d·F(x/σ_d, t) at the rollout's classes and w. */
    private static NDArray consistency(Student student, TeacherRollout r, NDArray x, NDArray t) {
        NDArray f = student.trigFlow(r.classes(), r.guidance())
                .predict(Dual.of(x.div(TrigFlow.SIGMA_D)), Dual.of(t)).value();
        return TrigFlow.x0Estimate(x, f, t);
    }

    private static void add(double[] row, int column, double[] values) {
        for (double v : values) {
            row[column] += v;
        }
    }

    private void print(double[][] sums, int n) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-3s %-7s %-10s %-11s", "i", "t", "|ẑ|/σ√D",
                "cos(ẑ,x̂₀)"));
        for (int j = 0; j < students.size(); j++) {
            header.append(String.format(Locale.ROOT, " %-11s %-11s", "s" + (j + 1) + " err gen", "s" + (j + 1) + " err diff"));
        }
        System.out.printf(Locale.ROOT, "%d trajectories, K = %d, shift %s, CFG %s; diffusion space has |ẑ|/σ√D = 1 and "
                + "cos(ẑ, x̂₀) = 0. Errors: mean squared, unit-variance latents.%n", n, routeSteps, routeShift, cfg);
        for (int j = 0; j < students.size(); j++) {
            System.out.println("s" + (j + 1) + ": " + students.get(j));
        }
        System.out.println(header);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i < sums.length; i++) {
            double[] mean = new double[sums[i].length];
            for (int c = 0; c < mean.length; c++) {
                mean[c] = sums[i][c] / n;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-3d %-7.4f %-10.4f %-11.4f", i, mean[0],
                    mean[1], mean[2]));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", i);
            row.put("t", mean[0]);
            row.put("z_norm_ratio", mean[1]);
            row.put("z_endpoint_cosine", mean[2]);
            List<Map<String, Double>> errors = new ArrayList<>();
            for (int j = 0; j < students.size(); j++) {
                line.append(String.format(Locale.ROOT, " %-11.5f %-11.5f", mean[3 + 2 * j], mean[4 + 2 * j]));
                errors.add(Map.of("generation", mean[3 + 2 * j], "diffusion", mean[4 + 2 * j]));
            }
            row.put("student_errors", errors);
            rows.add(row);
            System.out.println(line);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("trajectories", n);
            out.put("route_steps", routeSteps);
            out.put("cfg", cfg);
            out.put("students", students);
            out.put("rows", rows);
            System.out.println(Json.write(out));
        }
    }
}
