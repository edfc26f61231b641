package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.WithManager;

/** tbcm export: a student file becomes an ONNX file that ONNX Runtime opens with the documented inputs and output. */
class ExportCommandTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void aStudentBecomesAnOnnxGeneratorAndATeacherIsRefused() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path studentFile = org.tbcm4j.testing.TinyFiles.student(tmp, m, 1);
        Path out = tmp.resolve("generator.onnx");
        CliHarness.Result r = CliHarness.run("export", "--model", studentFile.toString(), "--autoencoder", ae.toString(),
                "--steps", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("2-step generator, ONNX opset 17"), r.out());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(out.toString(), new OrtSession.SessionOptions())) {
            assertEquals(Set.of("noise", "classes", "guidance", "renoise_1"), session.getInputNames());
            TensorInfo image = (TensorInfo) session.getOutputInfo().get("image").getInfo();
            assertEquals(-1, image.getShape()[0], "a free batch dimension");
            assertEquals(28, image.getShape()[3]);
        }
        HostileInputsTest.refused(CliHarness.run("export", "--model", teacher.toString(), "--autoencoder", ae.toString(),
                "--out", tmp.resolve("t.onnx").toString()), "export takes a student");
        HostileInputsTest.refused(CliHarness.run("export", "--model", studentFile.toString(), "--steps", "3", "--out",
                tmp.resolve("t.onnx").toString()), "--steps must be 1 or 2");
    }
}
