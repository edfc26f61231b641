package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/** gap measures the equivalent noise of trajectory points and a student's consistency errors. */
class GapCommandTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void reportsEveryNonNoiseRoutePointForEachStudent() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        CliHarness.Result r = CliHarness.run("gap", "--teacher", teacher.toString(), "--student", teacher.toString(),
                "--prompts", "3");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("holds a teacher model where a student is expected"), r.err());

        Path blank = tmp.resolve("blank.safetensors");
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        org.tbcm4j.distill.BlankLatent.save(blank, org.tbcm4j.distill.BlankLatent.compute(
                org.tbcm4j.model.ModelFiles.autoencoder(ae, m), m));
        Path config = tmp.resolve("d.yaml");
        java.nio.file.Files.writeString(config, DistillYaml.tiny(teacher, 2, "guidance_scales=[2.0]",
                "filter.threshold=0.3", "filter.reference=" + blank, "loss.calm_down=false"));
        CliHarness.Result distilled = CliHarness.run("distill", "--config", config.toString(), "--runs",
                tmp.resolve("runs").toString());
        assertEquals(0, distilled.exitCode(), distilled.err());
        Path student = tmp.resolve("runs/d/model.safetensors");
        CliHarness.Result ok = CliHarness.run("gap", "--teacher", teacher.toString(), "--student", student.toString(),
                "--prompts", "3", "--route-steps", "5", "--cfg", "2", "--json");
        assertEquals(0, ok.exitCode(), ok.err());
        JsonNode json = Json.JSON.readTree(ok.lastLine());
        assertEquals(3, json.get("trajectories").asInt());
        assertEquals(4, json.get("rows").size(), "route indices 1..K-1");
        double previousT = Math.PI / 2;
        for (JsonNode row : json.get("rows")) {
            assertTrue(row.get("t").asDouble() < previousT, "times fall along the route");
            previousT = row.get("t").asDouble();
            assertTrue(row.get("z_norm_ratio").asDouble() > 0);
            assertTrue(Math.abs(row.get("z_endpoint_cosine").asDouble()) <= 1);
            JsonNode errors = row.get("student_errors").get(0);
            assertTrue(errors.get("generation").asDouble() >= 0 && errors.get("diffusion").asDouble() >= 0, row.toString());
        }
    }
}
