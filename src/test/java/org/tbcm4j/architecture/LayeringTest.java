package org.tbcm4j.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/architecture.md's rule, checked on the sources: every reference to another package points down. */
class LayeringTest {
    /** The layers of docs/architecture.md, bottom first; a package may use only packages of lower layers. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(Map.entry("util", 0), Map.entry("nn", 1),
            Map.entry("config", 1), Map.entry("report", 1), Map.entry("trigflow", 2), Map.entry("data", 2),
            Map.entry("checkpoint", 2), Map.entry("model", 3), Map.entry("train", 4), Map.entry("eval", 4),
            Map.entry("export", 4), Map.entry("api", 4), Map.entry("distill", 5), Map.entry("serve", 5),
            Map.entry("bench", 6), Map.entry("experiment", 6), Map.entry("cli", 7));
    private static final Pattern REFERENCE = Pattern.compile("org\\.tbcm4j\\.([a-z]+)\\.");

    @Test
    void dependenciesPointDown() throws IOException {
        Path root = Path.of("src/main/java/org/tbcm4j");
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file).getName(0).toString();
                assertTrue(LAYER.containsKey(pkg), "package " + pkg + " has no layer in this test and the docs");
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && LAYER.get(used) >= LAYER.get(pkg)) {
                        upward.add(root.relativize(file) + " uses " + used);
                    }
                }
            }
        }
        assertEquals(List.of(), upward);
    }
}
