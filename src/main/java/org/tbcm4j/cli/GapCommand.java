package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.distill.GapAnalysis;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
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

    @Override
    public Integer call() {
        if (prompts < 1) {
            throw new IllegalArgumentException("--prompts must be at least 1, got " + prompts);
        }
        if (!(cfg >= 0) || !Double.isFinite(cfg)) {
            throw new IllegalArgumentException("--cfg must be a finite guidance scale of at least 0, got " + cfg);
        }
        try (NDManager root = Backend.newManager()) {
            DiT dit = ModelFiles.teacher(Home.resolve(teacher), root);
            List<Student> models = new ArrayList<>();
            for (String s : students) {
                models.add(ModelFiles.student(Home.resolve(s), root));
            }
            print(GapAnalysis.measure(dit, models, prompts, cfg, new ReferenceRoute(routeSteps, routeShift), seed, root));
        }
        return 0;
    }

    private void print(GapAnalysis.Result result) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-3s %-7s %-10s %-11s", "i", "t", "|ẑ|/σ√D",
                "cos(ẑ,x̂₀)"));
        for (int j = 0; j < students.size(); j++) {
            header.append(String.format(Locale.ROOT, " %-11s %-11s", "s" + (j + 1) + " err gen", "s" + (j + 1) + " err diff"));
        }
        System.out.printf(Locale.ROOT, "%d trajectories, K = %d, shift %s, CFG %s; diffusion space has |ẑ|/σ√D = 1 and "
                + "cos(ẑ, x̂₀) = 0. Errors: mean squared, unit-variance latents.%n", result.trajectories(), routeSteps,
                routeShift, cfg);
        for (int j = 0; j < students.size(); j++) {
            System.out.println("s" + (j + 1) + ": " + students.get(j));
        }
        System.out.println(header);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (GapAnalysis.Row r : result.rows()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-3d %-7.4f %-10.4f %-11.4f", r.index(),
                    r.t(), r.zNormRatio(), r.zEndpointCosine()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", r.index());
            row.put("t", r.t());
            row.put("z_norm_ratio", r.zNormRatio());
            row.put("z_endpoint_cosine", r.zEndpointCosine());
            List<Map<String, Double>> errors = new ArrayList<>();
            for (GapAnalysis.StudentError e : r.students()) {
                line.append(String.format(Locale.ROOT, " %-11.5f %-11.5f", e.generation(), e.diffusion()));
                errors.add(Map.of("generation", e.generation(), "diffusion", e.diffusion()));
            }
            row.put("student_errors", errors);
            rows.add(row);
            System.out.println(line);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("trajectories", result.trajectories());
            out.put("route_steps", routeSteps);
            out.put("cfg", cfg);
            out.put("students", students);
            out.put("rows", rows);
            System.out.println(Json.write(out));
        }
    }
}
