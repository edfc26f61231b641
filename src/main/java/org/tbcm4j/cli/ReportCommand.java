package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.eval.Comparison;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tbcm report}: the demo's comparison page for generators that already exist. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Compare existing generators on the same noise (a teacher at several settings, one or more "
                + "students at 1 and 2 steps); writes <out>/index.html, the grids and <out>/metrics.json.")
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--teacher", description = "A teacher to draw at each --teacher-setting.")
    String teacher;

    @Option(names = "--teacher-setting", paramLabel = "STEPS:CFG", split = ",", defaultValue = "16:1.5",
            description = "Teacher settings, DPM-Solver++(2M) steps and guidance (default: ${DEFAULT-VALUE}).")
    List<String> teacherSettings;

    @Option(names = "--student", paramLabel = "NAME=FILE", description = "A student and its name on the page, e.g. "
            + "tbcm=runs/distill/model.safetensors (repeatable).")
    List<String> students = new ArrayList<>();

    @Option(names = "--student-steps", split = ",", defaultValue = "1,2",
            description = "Student sampling steps (default: ${DEFAULT-VALUE}).")
    int[] studentSteps;

    @Option(names = "--cfg", defaultValue = "1.5", description = "Students' guidance scale (default: ${DEFAULT-VALUE}).")
    double cfg;

    @Option(names = "--autoencoder", description = "Autoencoder (default: the one the first model records, else "
            + ModelFiles.DEFAULT_AUTOENCODER + ").")
    String autoencoder;

    @Mixin
    ScorerOptions scoring;

    @Option(names = "--samples", defaultValue = "1000", description = "Samples per generator (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "Noise seed, shared by every generator (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--title", defaultValue = "tbcm4j report", description = "Page title (default: ${DEFAULT-VALUE}).")
    String title;

    @Option(names = "--out", defaultValue = "report", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (teacher == null && students.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: pass --teacher and/or --student NAME=FILE");
        }
        if (samples < 20 || samples > 100_000) {
            throw new IllegalArgumentException("--samples must be between 20 and 100000, got " + samples);
        }
        Map<String, Path> studentFiles = new LinkedHashMap<>();
        for (String s : students) {
            int eq = s.indexOf('=');
            if (eq < 1 || eq == s.length() - 1) {
                throw new IllegalArgumentException("--student takes NAME=FILE, got '" + s + "'");
            }
            String name = RunDirectory.checkName(s.substring(0, eq), "--student name");
            if (studentFiles.put(name, Home.resolve(s.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--student name '" + name + "' is given twice");
            }
        }
        List<Path> models = new ArrayList<>();
        if (teacher != null) {
            models.add(Home.resolve(teacher));
        }
        models.addAll(studentFiles.values());
        Path aeFile = ModelFiles.autoencoderFileFor(models.get(0), autoencoder);
        Files.createDirectories(out);
        Comparison.Outcome compared;
        List<String> classNames;
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
            Scorer scorer = scoring.load(models, root); // every model against the classifier's dataset, once
            List<Comparison.Entry> entries = new ArrayList<>();
            if (teacher != null) {
                DiT dit = ModelFiles.teacher(models.get(0), root);
                ModelFiles.requireLatentFit(ae, dit.config(), aeFile, models.get(0));
                for (String setting : teacherSettings) {
                    String[] parts = setting.split(":");
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("--teacher-setting takes STEPS:CFG, got '" + setting + "'");
                    }
                    int steps = Integer.parseInt(parts[0].strip());
                    double w = Double.parseDouble(parts[1].strip());
                    entries.add(new Comparison.Entry("teacher-" + steps + "-w" + parts[1].strip(),
                            new TeacherGenerator(dit, OdeSampler.parse("dpm2m"), steps, w, 1.0), steps, w));
                }
            }
            for (Map.Entry<String, Path> s : studentFiles.entrySet()) {
                Student student = ModelFiles.student(s.getValue(), root);
                ModelFiles.requireLatentFit(ae, student.config().backbone(), aeFile, s.getValue());
                for (int steps : studentSteps) {
                    entries.add(new Comparison.Entry(s.getKey() + "-" + steps,
                            new StudentGenerator(student, steps, 1.0, cfg, seed), steps, cfg));
                }
            }
            compared = Comparison.run(entries, ae, scorer, samples, seed, out, root);
            classNames = org.tbcm4j.model.Provenance.read(models.get(0)).classNamesOr(
                    entries.get(0).generator().numClasses(), aeFile);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("samples", samples);
        extra.put("seed", seed);
        extra.put("class_names", classNames);
        Comparison.writePage(compared, out, "index.html", title, String.format(Locale.ROOT, "Every generator starts "
                + "from the same noise (seed %d, %d samples, balanced classes). Metrics are in the features of the "
                + "evaluation classifier %s (FD, not FID).", seed, samples, scoring.classifier),
                "Rows, top to bottom: " + String.join(", ", classNames) + ".", extra, Map.of());
        System.out.println("wrote " + out.resolve("index.html") + " and " + out.resolve("metrics.json"));
        return 0;
    }
}
