package org.tbcm4j.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.tbcm4j.api.Generator;
import org.tbcm4j.report.ImageGrid;
import org.tbcm4j.util.Json;

/**
 * An HTTP front for a student (and, beside it, a teacher on the same noise): a page, {@code /api/info},
 * {@code /api/generate} (JSON with base64 PNG grids and each one's time) and {@code /api/image.png}.
 * Built on the JDK's own server (com.sun.net.httpserver): no dependency, and a few GET endpoints need
 * nothing more. Requests are bounded (images, steps, query length); generation is serialised by the
 * {@link Generator}s, and at most {@value #MAX_WAITING} requests wait for it (more get 503), so a burst
 * queues rather than oversubscribing the cores. Bad parameters get a 400 with a one-line reason.
 */
public final class GeneratorServer implements AutoCloseable {
    public static final int MAX_COUNT = 16;
    public static final int MAX_TEACHER_STEPS = 50;
    private static final int MAX_WAITING = 8;
    private static final int MAX_QUERY = 2048;

    private final HttpServer server;
    private final ExecutorService threads;
    private final Generator student;
    private final Generator teacher;
    private final List<String> classNames;
    private final AtomicInteger waiting = new AtomicInteger();

    private GeneratorServer(HttpServer server, ExecutorService threads, Generator student, Generator teacher,
            List<String> classNames) {
        this.server = server;
        this.threads = threads;
        this.student = student;
        this.teacher = teacher;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Serves {@code student} (and {@code teacher}, which may be null) at {@code address} (port 0: any free
     * port). {@code classNames} names the class ids, in order.
     */
    public static GeneratorServer start(Generator student, Generator teacher, List<String> classNames,
            InetSocketAddress address) throws IOException {
        if (classNames.size() != student.numClasses()) {
            throw new IllegalArgumentException(classNames.size() + " class names for a model of " + student.numClasses()
                    + " classes");
        }
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        server.setExecutor(threads);
        GeneratorServer s = new GeneratorServer(server, threads, student, teacher, classNames);
        server.createContext("/", s::handle);
        server.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        // the exchange closes after the answer, including an error's (a resource of the outer try is closed
        // before that try's own catch blocks run, so the answers are given inside)
        try (ex) {
            try {
                route(ex);
            } catch (BadRequest e) {
                send(ex, 400, "text/plain", e.getMessage());
            } catch (RuntimeException e) {
                send(ex, 500, "text/plain", "generation failed: " + e.getMessage());
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod())) {
            send(ex, 405, "text/plain", "only GET is served");
            return;
        }
        String query = ex.getRequestURI().getRawQuery();
        if (query != null && query.length() > MAX_QUERY) {
            send(ex, 400, "text/plain", "query longer than " + MAX_QUERY + " characters");
            return;
        }
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/" -> send(ex, 200, "text/html; charset=utf-8", page());
            case "/api/info" -> send(ex, 200, "application/json", Json.write(info()));
            case "/api/generate", "/api/image.png" -> generate(ex, path.endsWith(".png"), parse(query));
            default -> send(ex, 404, "text/plain", "no such page: " + path);
        }
    }

    private Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("classes", classNames);
        info.put("image_size", student.imageSize());
        info.put("teacher", teacher != null);
        info.put("max_count", MAX_COUNT);
        info.put("max_teacher_steps", MAX_TEACHER_STEPS);
        return info;
    }

    /** A request's parameters, checked: class, guidance, steps, seed, count, teacher_steps. */
    record Params(int classId, double guidance, int steps, long seed, int count, int teacherSteps) {}

    Params parse(String query) {
        Map<String, String> q = new HashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                q.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        for (String key : q.keySet()) {
            if (!List.of("class", "guidance", "steps", "seed", "count", "teacher_steps").contains(key)) {
                throw new BadRequest("unknown parameter '" + key + "'");
            }
        }
        int classId = (int) number(q, "class", null, 0, student.numClasses() - 1);
        double guidance = decimal(q, "guidance", Generator.DEFAULT_GUIDANCE, 0, 20);
        int steps = (int) number(q, "steps", 1L, 1, 2);
        long seed = number(q, "seed", 0L, 0, Long.MAX_VALUE);
        int count = (int) number(q, "count", 8L, 1, MAX_COUNT);
        int teacherSteps = (int) number(q, "teacher_steps", teacher == null ? 0L : 16L, 0, MAX_TEACHER_STEPS);
        return new Params(classId, guidance, steps, seed, count, teacherSteps);
    }

    private static long number(Map<String, String> q, String key, Long fallback, long low, long high) {
        String v = q.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new BadRequest("missing parameter '" + key + "'");
            }
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n < low || n > high) {
                throw new BadRequest(key + " must be between " + low + " and " + high + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest(key + " must be a whole number, got '" + shorten(v) + "'");
        }
    }

    private static double decimal(Map<String, String> q, String key, double fallback, double low, double high) {
        String v = q.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d >= low && d <= high)) {
                throw new BadRequest(key + " must be between " + low + " and " + high + ", got " + d);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new BadRequest(key + " must be a number, got '" + shorten(v) + "'");
        }
    }

    private static String shorten(String v) {
        String s = v.length() > 40 ? v.substring(0, 40) + "…" : v;
        return s.replaceAll("[\\r\\n]", " ");
    }

    private void generate(HttpExchange ex, boolean png, Params p) throws IOException {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            send(ex, 503, "text/plain", "busy: " + MAX_WAITING + " requests are already waiting; try again");
            return;
        }
        try {
            Grid studentGrid = grid(student, p, p.steps());
            if (png) {
                sendBytes(ex, 200, "image/png", studentGrid.png());
                return;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("student", studentGrid.json());
            if (teacher != null && p.teacherSteps() > 0) {
                result.put("teacher", grid(teacher, p, p.teacherSteps()).json());
            }
            send(ex, 200, "application/json", Json.write(result));
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** One row of a request's images as PNG bytes, with the steps taken and the generator's time. */
    private record Grid(byte[] png, int steps, double ms) {
        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("steps", steps);
            out.put("ms", ms);
            out.put("png", Base64.getEncoder().encodeToString(png));
            return out;
        }
    }

    private static Grid grid(Generator g, Params p, int steps) {
        int[] classes = new int[p.count()];
        java.util.Arrays.fill(classes, p.classId());
        long t0 = System.nanoTime();
        float[][] images = g.pixels(new Generator.Request(classes, steps, p.guidance(), p.seed()));
        double ms = (System.nanoTime() - t0) / 1e6;
        int size = g.imageSize();
        int per = g.imageChannels() * size * size;
        float[] tiles = new float[p.count() * per];
        for (int i = 0; i < images.length; i++) {
            for (int k = 0; k < per; k++) {
                tiles[i * per + k] = 2 * images[i][k] - 1;
            }
        }
        return new Grid(ImageGrid.png(ImageGrid.render(tiles, 1, p.count(), g.imageChannels(), size, size, 3)), steps, ms);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        sendBytes(ex, status, type, (status >= 400 ? body.lines().findFirst().orElse("") + "\n" : body)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void sendBytes(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static String page() throws IOException {
        try (InputStream in = GeneratorServer.class.getResourceAsStream("page.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A parameter the client got wrong: answered with 400 and this one line. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
