package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/**
 * guidance-response on a distilled tiny student: what it prints and its JSON agree, and bad requests are
 * refused in one line. (What the fraction means, 1 for a generator that follows w as the teacher does and 0
 * for one that ignores it, is GuidanceResponseTest's.)
 */
class GuidanceResponseCommandTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void aDistilledStudentIsMeasuredAgainstItsTeacher() throws IOException {
        Path teacher = TinyModels.teacher(tmp, m);
        Path config = tmp.resolve("d.yaml");
        Files.writeString(config, DistillYaml.tiny(teacher, 4).replace("guidance_scales: [1.5]",
                "guidance_scales: [1.0, 3.0]"));
        CliHarness.Result d = CliHarness.run("distill", "--config", config.toString(), "--runs",
                tmp.resolve("runs").toString());
        assertEquals(0, d.exitCode(), d.err());
        CliHarness.Result r = CliHarness.run("guidance-response", "--model",
                tmp.resolve("runs/d/model.safetensors").toString(), "--teacher", teacher.toString(),
                "--low", "1", "--high", "3", "--samples", "20", "--teacher-steps", "4", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = Json.JSON.readTree(r.lastLine());
        double fraction = json.get("fraction").asDouble();
        assertTrue(json.get("teacher_distance").asDouble() > 0, r.out());
        assertEquals(json.get("student_distance").asDouble() / json.get("teacher_distance").asDouble(), fraction, 1e-12);
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "guidance response: %.4f of the teacher's",
                fraction)), r.out());
        assertEquals(20, json.get("samples").asInt());
    }

    @Test
    void aTeacherOfAnotherShapeAndEqualScalesAreRefused() throws IOException {
        Path teacher = TinyModels.teacher(tmp, m);
        Path config = tmp.resolve("d.yaml");
        Files.writeString(config, DistillYaml.tiny(teacher, 2));
        assertEquals(0, CliHarness.run("distill", "--config", config.toString(), "--runs", tmp.resolve("runs").toString())
                .exitCode());
        String student = tmp.resolve("runs/d/model.safetensors").toString();
        CliHarness.Result same = CliHarness.run("guidance-response", "--model", student, "--teacher", teacher.toString(),
                "--low", "2", "--high", "2");
        assertEquals(1, same.exitCode(), same.out());
        assertTrue(same.err().contains("the two guidance scales must differ"), same.err());
        CliHarness.Result swapped = CliHarness.run("guidance-response", "--model", teacher.toString(), "--teacher",
                teacher.toString());
        assertEquals(1, swapped.exitCode(), swapped.out());
        assertEquals(1, swapped.err().strip().lines().count(), swapped.err());
    }
}
