package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.eval.GuidanceResponse;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm guidance-response}: does the student's guidance input move its samples as the teacher's CFG does? */
@Command(name = "guidance-response", mixinStandardHelpOptions = true,
        description = "From the same noise and classes, how far a student's samples move between two guidance "
                + "scales, as a fraction of how far the teacher's move between the same scales (1: the student "
                + "follows w as the teacher does; 0: it ignores w). Needs no dataset.")
public final class GuidanceResponseCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The student.")
    String model;

    @Option(names = "--teacher", description = "The teacher it was distilled from (default: the one the student "
            + "records; a student that records none: the shipped teacher).")
    String teacher;

    @Option(names = "--low", defaultValue = "1.0", description = "The first guidance scale (default: ${DEFAULT-VALUE}).")
    double low;

    @Option(names = "--high", defaultValue = "3.0", description = "The second guidance scale (default: ${DEFAULT-VALUE}).")
    double high;

    @Option(names = "--steps", defaultValue = "1", description = "Student sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--intermediate", defaultValue = "1.0",
            description = "The 2-step sampler's intermediate time (default: ${DEFAULT-VALUE}).")
    double intermediate;

    @Option(names = "--teacher-steps", defaultValue = "16",
            description = "Teacher DPM-Solver++(2M) steps (default: ${DEFAULT-VALUE}).")
    int teacherSteps;

    @Option(names = "--samples", defaultValue = "500", description = "Samples, balanced over the classes (default: "
            + "${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Also print one JSON object as the last line of standard output.")
    boolean json;

    @Override
    public Integer call() {
        if (steps < 1 || steps > 64 || teacherSteps < 1 || teacherSteps > 1000) {
            throw new IllegalArgumentException("--steps must be in 1..64 and --teacher-steps in 1..1000, got " + steps
                    + " and " + teacherSteps);
        }
        if (samples < 1 || samples > 100_000) {
            throw new IllegalArgumentException("--samples must be in 1..100000, got " + samples);
        }
        GuidanceScales.check("--low", low);
        GuidanceScales.check("--high", high);
        if (low == high) {
            throw new IllegalArgumentException("--low and --high: the two guidance scales must differ, both are " + low);
        }
        Path studentFile = Home.resolve(model);
        ModelFiles.TeacherChoice choice = ModelFiles.teacherFor(studentFile, teacher);
        if (choice.file() == null) {
            throw new IllegalArgumentException(choice.note() != null ? choice.note()
                    : "--teacher none: the guidance response is measured against a teacher");
        }
        Path teacherFile = choice.file();
        try (NDManager root = Backend.newManager()) {
            Student student = ModelFiles.student(studentFile, root);
            DiT dit = ModelFiles.teacher(teacherFile, root);
            if (!dit.config().equals(student.config().backbone())) {
                throw new IllegalArgumentException(teacherFile + " is not the shape of " + studentFile
                        + "'s backbone; pass the teacher it was distilled from with --teacher");
            }
            long[] shape = {dit.config().channels(), dit.config().imageSize(), dit.config().imageSize()};
            GuidanceResponse r = GuidanceResponse.measure(
                    w -> new StudentGenerator(student, steps, intermediate, w, seed),
                    w -> new TeacherGenerator(dit, OdeSampler.DPM_SOLVER_2M, teacherSteps, w, 1.0),
                    low, high, samples, seed, shape, root);
            print(r, teacherFile);
        }
        return 0;
    }

    private void print(GuidanceResponse r, Path teacherFile) {
        System.out.printf(Locale.ROOT, "%d samples, the same noise and classes at w %s and w %s%n", r.samples(),
                r.low(), r.high());
        System.out.printf(Locale.ROOT, "student, %d step%s: its latents move %.4f (%.2f %% of their size)%n", steps,
                steps == 1 ? "" : "s", r.studentDistance(), 100 * r.studentRelative());
        System.out.printf(Locale.ROOT, "teacher, %d steps: its latents move %.4f (%.2f %% of their size)%n",
                teacherSteps, r.teacherDistance(), 100 * r.teacherRelative());
        System.out.printf(Locale.ROOT, "guidance response: %.4f of the teacher's%n", r.fraction());
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", model);
            o.put("teacher", teacherFile.toString());
            o.put("low", r.low());
            o.put("high", r.high());
            o.put("samples", r.samples());
            o.put("student_steps", steps);
            o.put("teacher_steps", teacherSteps);
            o.put("student_distance", r.studentDistance());
            o.put("teacher_distance", r.teacherDistance());
            o.put("student_relative", r.studentRelative());
            o.put("teacher_relative", r.teacherRelative());
            o.put("fraction", r.fraction());
            System.out.println(Json.write(o));
        }
    }
}
