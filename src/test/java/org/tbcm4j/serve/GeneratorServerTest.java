package org.tbcm4j.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.api.Generator;
import org.tbcm4j.testing.TinyFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/** The server over real HTTP: the page, info, generation (student and teacher), bounds and one-line 400s. */
class GeneratorServerTest extends WithManager {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private int port;

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private void badRequest(String path, String fragment) throws Exception {
        HttpResponse<byte[]> r = get(path);
        String body = new String(r.body());
        assertEquals(400, r.statusCode(), path + ": " + body);
        assertEquals(1, body.strip().lines().count(), body);
        assertTrue(body.contains(fragment), body);
    }

    @Test
    void servesThePageAndImagesAndRefusesBadRequestsInOneLine() throws Exception {
        Path studentFile = TinyFiles.student(tmp, m, 1);
        Path teacherFile = TinyFiles.teacher(tmp, m, 2);
        Path aeFile = TinyFiles.autoencoder(tmp, m, 3);
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        try (Generator student = Generator.load(studentFile, aeFile);
                Generator teacher = Generator.load(teacherFile, aeFile);
                GeneratorServer server = GeneratorServer.start(student, teacher, names,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = server.port();
            HttpResponse<byte[]> page = get("/");
            assertEquals(200, page.statusCode());
            assertTrue(new String(page.body()).contains("Generate"));
            JsonNode info = Json.JSON.readTree(get("/api/info").body());
            assertEquals(10, info.get("classes").size());
            assertEquals(28, info.get("image_size").asInt());

            String query = "/api/generate?class=3&count=2&steps=2&seed=5&teacher_steps=4&guidance=2.5";
            HttpResponse<byte[]> first = get(query);
            assertEquals(200, first.statusCode(), new String(first.body()));
            JsonNode json = Json.JSON.readTree(first.body());
            for (String who : new String[] {"student", "teacher"}) {
                BufferedImage grid = ImageIO.read(new ByteArrayInputStream(
                        Base64.getDecoder().decode(json.get(who).get("png").asText())));
                assertEquals(2 * (28 * 3 + 2) + 2, grid.getWidth(), who);
                assertTrue(json.get(who).get("ms").asDouble() > 0, who);
            }
            assertEquals(4, json.get("teacher").get("steps").asInt());
            assertArrayEquals(first.body().length > 0 ? strip(first.body()) : null, strip(get(query).body()),
                    "the same request, the same images");
            HttpResponse<byte[]> png = get("/api/image.png?class=1&count=1");
            assertEquals(200, png.statusCode());
            assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));

            badRequest("/api/generate?class=99", "class must be between 0 and 9");
            badRequest("/api/generate?clas=1", "unknown parameter 'clas'");
            badRequest("/api/generate", "missing parameter 'class'");
            badRequest("/api/generate?class=1&count=17", "count must be between 1 and 16");
            badRequest("/api/generate?class=1&steps=3", "steps must be between 1 and 2");
            badRequest("/api/generate?class=1&guidance=NaN", "guidance must be between");
            badRequest("/api/generate?class=1&guidance=lots", "guidance must be a number");
            badRequest("/api/generate?class=1&seed=x%0Ay", "seed must be a whole number");
            badRequest("/api/generate?class=" + "1".repeat(3000), "query longer than");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/info"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            assertEquals(404, get("/nothing").statusCode());
        }
    }

    /** The response without the times, which differ between two runs of the same request. */
    private static byte[] strip(byte[] json) {
        return new String(json).replaceAll("\"ms\":[0-9.Ee+-]+", "").getBytes();
    }
}
