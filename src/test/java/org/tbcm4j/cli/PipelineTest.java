package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.api.Generator;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.data.Shapes;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;

/**
 * The whole pipeline, dataset to report, on 32×32 RGB shapes with the toy preset: every stage's output,
 * what the student records of its data, the API finding the student's autoencoder by itself, a rerun that
 * redoes nothing, and refusals of mixed-up datasets.
 */
class PipelineTest {
    @TempDir
    Path tmp;

    @Test
    void shapesGoFromImagesToAStudentAndItsReport() throws Exception {
        Path data = tmp.resolve("shapes");
        Shapes.write(data, 12, 32, 0);
        Dataset set = Datasets.open(data);
        Path preset = Path.of(PipelineTest.class.getResource("/pipeline-toy/distill.yaml").toURI()).getParent();
        Path runs = tmp.resolve("runs");
        String[] args = {"pipeline", "--data", data.toString(), "--preset", preset.toString(), "--runs", runs.toString(),
            "--name", "toy", "--report-samples", "20"};
        CliHarness.Result first = CliHarness.run(args);
        assertEquals(0, first.exitCode(), first.err() + first.out());
        Path root = runs.resolve("toy");
        for (String out : List.of("autoencoder/model.safetensors", "classifier/model.safetensors",
                "reference-features.safetensors", "blank-latent.safetensors", "filter-calibration.json",
                "teacher/model.safetensors", "student/model.safetensors", "report/index.html", "report/metrics.json",
                "student/config.yaml", "teacher/config.yaml", "teacher/dataset.json")) {
            assertTrue(Files.exists(root.resolve(out)), out);
        }
        String report = Files.readString(root.resolve("report/index.html"));
        assertTrue(report.contains("teacher-16-w3.png") && report.contains("tbcm-1-w3.png")
                && report.contains("teacher-16-w1.5.png") && report.contains("tbcm-2-w1.png"), report);
        // the gap to the teacher, recomputed from the generators' own rows
        com.fasterxml.jackson.databind.JsonNode metrics = org.tbcm4j.util.Json.JSON.readTree(
                root.resolve("report/metrics.json").toFile());
        java.util.Map<String, Double> fd = new java.util.HashMap<>();
        metrics.get("generators").forEach(g -> fd.put(g.get("name").asText(), g.get("fd").asDouble()));
        double teacherBest = fd.entrySet().stream().filter(e -> e.getKey().startsWith("teacher-"))
                .mapToDouble(java.util.Map.Entry::getValue).min().orElseThrow();
        com.fasterxml.jackson.databind.JsonNode gap = metrics.get("gap_to_teacher");
        assertEquals(teacherBest, gap.get("teacher_best_fd").asDouble(), 0.0);
        assertEquals(teacherBest, fd.get("teacher-16-w" + gap.get("teacher_best_w").asText().replaceAll("\\.0$", "")), 0.0);
        // the student was distilled and is compared at the teacher's FD-best w of the guidance calibration, over the
        // preset's rollout range moved there
        com.fasterxml.jackson.databind.JsonNode calibration = org.tbcm4j.util.Json.JSON.readTree(
                root.resolve("guidance-calibration.json").toFile());
        java.util.Map<Double, Double> teacherFd = new java.util.LinkedHashMap<>();
        calibration.get("teacher").forEach(r -> teacherFd.put(r.get("w").asDouble(), r.get("fd").asDouble()));
        assertEquals(org.tbcm4j.distill.GuidanceCalibration.CANDIDATES, List.copyOf(teacherFd.keySet()));
        double bestW = org.tbcm4j.distill.GuidanceCalibration.best(teacherFd);
        assertEquals(bestW, calibration.get("best_w").asDouble(), 0.0);
        org.tbcm4j.distill.DistillConfig distilled = org.tbcm4j.config.Configs.load(root.resolve("student/config.yaml"),
                org.tbcm4j.distill.DistillConfig.class);
        List<Double> expectedScales = org.tbcm4j.distill.GuidanceCalibration.moved(List.of(1.0, 1.5, 2.0, 2.5, 3.0), 1.5,
                bestW);
        assertEquals(expectedScales, java.util.Arrays.stream(distilled.guidanceScales().values()).boxed().toList());
        assertEquals(bestW, distilled.evaluation().guidance(), 0.0);
        assertEquals(bestW, gap.get("w").asDouble(), 0.0);
        String w = java.math.BigDecimal.valueOf(bestW).stripTrailingZeros().toPlainString();
        assertEquals(fd.get("tbcm-1-w" + w) / fd.get("teacher-16-w" + w),
                gap.get("student_1_step").get("to_teacher_at_w").asDouble(), 1e-12);
        assertEquals(fd.get("tbcm-2-w" + w) / teacherBest, gap.get("student_2_steps").get("to_teacher_best").asDouble(),
                1e-12);
        assertTrue(report.contains("against the teacher's best"), report);

        // the student records its dataset, its class names and (through its teacher) its autoencoder
        Path student = root.resolve("student/model.safetensors");
        Provenance p = Provenance.read(student);
        assertEquals(set.fingerprint(), p.dataset());
        assertEquals(Shapes.CLASSES, p.classNames());
        assertEquals(root.resolve("autoencoder/model.safetensors").toAbsolutePath().normalize().toString(),
                p.autoencoderFile());
        try (Generator g = Generator.load(student)) {
            assertEquals(Shapes.CLASSES, g.classNames());
            List<BufferedImage> images = g.images(Generator.Request.of(2, 2));
            assertEquals(32, images.get(0).getWidth());
            assertEquals(3, images.get(0).getRaster().getNumBands());
        }

        // a rerun finds every stage done
        CliHarness.Result again = CliHarness.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(8, again.out().lines().filter(l -> l.startsWith("== ") && l.contains(": done (")).count(), again.out());

        // a stage killed before its first checkpoint (its config and metrics written, no checkpoint) starts over
        Path studentDir = root.resolve("student");
        byte[] studentBefore = Files.readAllBytes(studentDir.resolve("model.safetensors"));
        String studentConfig = Files.readString(studentDir.resolve("config.yaml"));
        org.tbcm4j.util.Trees.delete(studentDir);
        Files.createDirectories(studentDir.resolve("checkpoints"));
        Files.writeString(studentDir.resolve("config.yaml"), studentConfig);
        Files.writeString(studentDir.resolve("metrics.csv"), "step,loss\n");
        CliHarness.Result restarted = CliHarness.run(args);
        assertEquals(0, restarted.exitCode(), restarted.err() + restarted.out());
        assertTrue(restarted.out().contains("== student: the last attempt stopped before its first checkpoint; starting over"),
                restarted.out());
        assertArrayEquals(studentBefore, Files.readAllBytes(studentDir.resolve("model.safetensors")),
                "the restarted stage trains the same student");

        // the same pipeline name on other data, and the student scored by a classifier of other data, are refused
        Path other = tmp.resolve("other");
        Shapes.write(other, 12, 32, 1);
        CliHarness.Result mixed = CliHarness.run("pipeline", "--data", other.toString(), "--preset", preset.toString(),
                "--runs", runs.toString(), "--name", "toy");
        assertEquals(1, mixed.exitCode());
        assertTrue(mixed.err().contains("is a pipeline of dataset"), mixed.err());
        CliHarness.Result wrongClassifier = CliHarness.run("eval", "--model", student.toString(), "--steps", "1",
                "--samples", "20", "--classifier", "models/fashion-mnist/classifier.safetensors");
        assertEquals(1, wrongClassifier.exitCode());
        assertTrue(wrongClassifier.err().contains("was trained on dataset " + set.fingerprint() + " but the classifier"),
                wrongClassifier.err());
        CliHarness.Result resumeOnOther = CliHarness.run("train-teacher", "--config", preset.resolve("teacher.yaml")
                .toString(), "--runs", root.toString(), "--name", "teacher", "--resume", "--data", other.toString(),
                "--set", "autoencoder=" + root.resolve("autoencoder/model.safetensors"), "--set", "model.image_size=8",
                "--set", "model.num_classes=5");
        assertEquals(1, resumeOnOther.exitCode());
        assertFalse(resumeOnOther.err().contains("Exception"), resumeOnOther.err());
        assertTrue(resumeOnOther.err().contains("was trained on dataset"), resumeOnOther.err());

        // the student finds its own teacher (serve's and guidance-response's default), not the shipped one
        Path teacher = root.resolve("teacher/model.safetensors").toAbsolutePath().normalize();
        assertEquals(teacher, ModelFiles.teacherFor(student, null).file());
        CliHarness.Result response = CliHarness.run("guidance-response", "--model", student.toString(), "--samples", "10");
        assertEquals(0, response.exitCode(), response.err());
        // a teacher since replaced, or gone, is not taken for it: no teacher, and a line that says why
        byte[] teacherBytes = Files.readAllBytes(teacher);
        Path elsewhere = tmp.resolve("teacher-moved.safetensors");
        Files.move(teacher, elsewhere);
        ModelFiles.TeacherChoice gone = ModelFiles.teacherFor(student, null);
        assertEquals(null, gone.file());
        assertTrue(gone.note().contains("which is not there; no teacher (pass --teacher FILE)"), gone.note());
        CliHarness.Result noTeacher = CliHarness.run("guidance-response", "--model", student.toString(), "--samples", "10");
        assertEquals(1, noTeacher.exitCode());
        assertTrue(noTeacher.err().contains("which is not there"), noTeacher.err());
        Files.copy(Path.of("models/fashion-mnist/teacher.safetensors"), teacher);
        assertTrue(ModelFiles.teacherFor(student, null).note().contains("which has changed since"));
        Files.delete(teacher);
        Files.write(teacher, teacherBytes);
        assertEquals(teacher, ModelFiles.teacherFor(student, "" + teacher).file());
        assertEquals(null, ModelFiles.teacherFor(student, "none").file());
    }
}
