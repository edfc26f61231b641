package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/** The demo on miniature models: report, metrics.json with the agreed keys, no dataset. */
class DemoCommandTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void writesTheReportAndMetricsForFourGenerators() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path classifier = TinyModels.classifierFile(tmp, m);
        Path reference = TinyModels.reference(tmp, m);
        Path blank = tmp.resolve("blank.safetensors");
        BlankLatent.save(blank, BlankLatent.compute(ModelFiles.autoencoder(ae, m), m));
        String distill = DistillYaml.tiny(teacher, 3, "filter.enabled=true", "filter.reference=" + blank);
        Files.writeString(tmp.resolve("distill.yaml"), distill);
        String demo = "distill: " + tmp.resolve("distill.yaml") + "\nquick_distill: " + tmp.resolve("distill.yaml") + "\n"
                + "samples: 40\nquick_samples: 20\nseed: 7\n"
                + "teacher_few_step: {steps: 2, cfg: 1.5, sampler: dpm2m, shift: 1.0}\n"
                + "teacher_reference: {steps: 3, cfg: 1.5, sampler: dpm2m, shift: 1.0}\n"
                + "student: {cfg: 1.5, intermediate: 1.0, guidance_sweep: [1.0, 3.0]}\nautoencoder: " + ae + "\nclassifier: " + classifier
                + "\nreference: " + reference + "\n";
        Files.writeString(tmp.resolve("demo.yaml"), demo);
        Path out = tmp.resolve("out");
        CliHarness.Result r = CliHarness.run("demo", "--quick", "--config", tmp.resolve("demo.yaml").toString(),
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(out.resolve("index.html")).contains("<table>"));
        for (String png : new String[] {"teacher-2.png", "teacher-3.png", "student-1.png", "student-2.png", "student-1-w1.png",
            "student-1-w3.png", "loss.png",
            "loss-without-logvar.png", "norms.png"}) {
            assertTrue(Files.size(out.resolve(png)) > 100, png);
        }
        JsonNode json = Json.JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(6, json.get("generators").size(), "teacher ×2, student 1 and 2 steps, student 1 step at w 1 and 3");
        assertEquals(3.0, json.get("generators").get(5).get("cfg").asDouble());
        for (JsonNode g : json.get("generators")) {
            for (String key : new String[] {"fd", "kid", "precision", "recall", "class_accuracy", "samples", "steps",
                "cfg"}) {
                assertTrue(g.has(key), key + " missing in " + g);
            }
            assertEquals(20, g.get("samples").asInt());
        }
        assertEquals(1, json.get("generators").get(2).get("steps").asInt());
        assertEquals(2, json.get("generators").get(3).get("steps").asInt());
        assertTrue(json.get("distillation").get("wall_seconds").asDouble() > 0);
        assertTrue(json.get("distillation").get("peak_rss_mib").asDouble() > 0);
        // A second run into the same directory continues (here: finds the distillation finished) instead of failing.
        CliHarness.Result again = CliHarness.run("demo", "--quick", "--config", tmp.resolve("demo.yaml").toString(),
                "--out", out.toString());
        assertEquals(0, again.exitCode(), again.err());
        // --set reaches the demo's distillation config, checked the same way.
        CliHarness.Result bad = CliHarness.run("demo", "--quick", "--config", tmp.resolve("demo.yaml").toString(),
                "--out", tmp.resolve("out2").toString(), "--set", "loss.final_r=[1]");
        assertEquals(1, bad.exitCode());
        assertEquals("tbcm: error: --set loss.final_r=[1]: expected a number (double), got '[1]'", bad.err().strip());
    }
}
