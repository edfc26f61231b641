package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/** sample and eval on miniature models: outputs, and every kind of bad input the commands must refuse. */
class GenerationCommandsTest extends WithManager {
    @TempDir
    Path tmp;
    private String teacher;
    private String ae;
    private String classifier;
    private String reference;

    @BeforeEach
    void models() {
        teacher = TinyModels.teacher(tmp, m).toString();
        ae = TinyModels.autoencoder(tmp, m, 4).toString();
        classifier = TinyModels.classifierFile(tmp, m).toString();
        reference = TinyModels.reference(tmp, m).toString();
    }

    private CliHarness.Result eval(String... extra) {
        String[] base = {"eval", "--model", teacher, "--autoencoder", ae, "--classifier", classifier,
            "--reference", reference, "--samples", "20", "--steps", "2", "--cfg", "1.5", "--seed", "3"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliHarness.run(args);
    }

    @Test
    void evalJsonIsTheLastLineWithTheAgreedKeys() throws Exception {
        CliHarness.Result r = eval("--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = Json.JSON.readTree(r.lastLine());
        for (String key : new String[] {"fd", "kid", "precision", "recall", "class_accuracy", "samples", "steps", "cfg"}) {
            assertTrue(json.has(key), "missing " + key + " in " + r.lastLine());
        }
        assertEquals(20, json.get("samples").asInt());
        assertEquals(2, json.get("steps").asInt());
        assertEquals(1.5, json.get("cfg").asDouble(), 0.0);
        assertTrue(json.get("fd").asDouble() >= 0);
        assertTrue(r.out().contains("FD (classifier features)"), r.out());
        // The same seed gives the same numbers.
        assertEquals(r.lastLine().replaceAll("\"generation_seconds\":[^,}]*", ""),
                eval("--json").lastLine().replaceAll("\"generation_seconds\":[^,}]*", ""));
    }

    @Test
    void sampleWritesOneRowPerClass() throws Exception {
        Path png = tmp.resolve("grid.png");
        CliHarness.Result r = CliHarness.run("sample", "--model", teacher, "--autoencoder", ae, "--steps", "2",
                "--per-class", "3", "--out", png.toString());
        assertEquals(0, r.exitCode(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(3 * (28 * 2 + 2) + 2, img.getWidth());
        assertEquals(10 * (28 * 2 + 2) + 2, img.getHeight());
        CliHarness.Result two = CliHarness.run("sample", "--model", teacher, "--autoencoder", ae, "--steps", "2",
                "--per-class", "3", "--classes", "1,8", "--out", tmp.resolve("two.png").toString());
        assertEquals(0, two.exitCode(), two.err());
        assertEquals(2 * (28 * 2 + 2) + 2, ImageIO.read(tmp.resolve("two.png").toFile()).getHeight());
    }

    private void refused(CliHarness.Result r, String fragment) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith("tbcm: error: "), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void badInputIsRefusedInOneLine() {
        refused(eval("--steps", "0"), "--steps must be at least 1");
        refused(eval("--cfg", "-1"), "--cfg must be at least 0");
        refused(CliHarness.run("sample", "--model", teacher, "--autoencoder", ae, "--classes", "3,11",
                "--out", tmp.resolve("x.png").toString()), "unknown class id 11");
        String ae3 = TinyModels.autoencoder(tmp, m, 3).toString();
        refused(CliHarness.run("sample", "--model", teacher, "--autoencoder", ae3, "--out", tmp.resolve("x.png").toString()),
                "makes 3×7×7 latents but " + teacher + " works on 4×7×7");
        refused(CliHarness.run("sample", "--model", teacher, "--autoencoder", teacher, "--out", tmp.resolve("x.png").toString()),
                "holds a teacher model where a autoencoder is expected");
        refused(CliHarness.run("sample", "--model", classifier, "--autoencoder", ae, "--out", tmp.resolve("x.png").toString()),
                "holds a classifier model, which cannot generate images");
        refused(CliHarness.run("sample", "--model", tmp.resolve("missing.safetensors").toString(), "--autoencoder", ae),
                "missing.safetensors: no such file");
    }

    @Test
    void aModelWithNonFiniteWeightsIsRefusedNamingTheTensor() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            org.tbcm4j.model.DiT dit = org.tbcm4j.model.ModelFiles.teacher(Path.of(teacher), m);
            ai.djl.ndarray.NDArray w = dit.parameters().get("blocks.0.attn.qkv.weight").array();
            float[] values = w.toFloatArray();
            values[values.length / 2] = bad;
            dit.parameters().get("blocks.0.attn.qkv.weight").set(m.create(values, w.getShape()));
            Path broken = tmp.resolve("broken.safetensors");
            org.tbcm4j.checkpoint.ModelFile.write(broken, org.tbcm4j.model.ModelFiles.TEACHER,
                    org.tbcm4j.checkpoint.ModelFile.config(Path.of(teacher), org.tbcm4j.model.ModelFiles.TEACHER,
                            org.tbcm4j.model.DiTConfig.class), dit);
            refused(CliHarness.run("sample", "--model", broken.toString(), "--autoencoder", ae, "--out",
                    tmp.resolve("x.png").toString()), "tensor model.blocks.0.attn.qkv.weight has 1 non-finite value");
            assertTrue(!java.nio.file.Files.exists(tmp.resolve("x.png")), "nothing written from a broken model");
        }
    }

    @Test
    void referenceFeaturesOfAnotherClassifierAreRefused() {
        org.tbcm4j.model.Classifier other = new org.tbcm4j.model.Classifier(
                new org.tbcm4j.model.ClassifierConfig(new int[] {8, 8, 8}, 16, 10, 4));
        other.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, 99);
        Path otherFile = tmp.resolve("other.safetensors");
        org.tbcm4j.checkpoint.ModelFile.write(otherFile, "classifier", other.config(), other);
        CliHarness.Result r = CliHarness.run("eval", "--model", teacher, "--autoencoder", ae, "--classifier",
                otherFile.toString(), "--reference", reference, "--samples", "20", "--steps", "1");
        refused(r, "was computed with classifier");
    }
}
