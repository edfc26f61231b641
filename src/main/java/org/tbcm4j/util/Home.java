package org.tbcm4j.util;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the project's own files (configs/, models/) whether tbcm runs from the project directory
 * or elsewhere: a relative path that does not exist from the working directory is looked up under
 * the installation directory that bin/tbcm passes as {@code -Dtbcm.home}.
 */
public final class Home {
    private Home() {}

    public static Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || Files.exists(p)) {
            return p;
        }
        String home = System.getProperty("tbcm.home");
        if (home != null && Files.exists(Path.of(home).resolve(p))) {
            return Path.of(home).resolve(p);
        }
        return p;
    }

    /** {@code file} relative to the installation directory when it lies inside it (for messages), else as given. */
    public static String relative(Path file) {
        String home = System.getProperty("tbcm.home");
        Path absolute = file.toAbsolutePath().normalize();
        Path base = Path.of(home != null ? home : "").toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : file.toString();
    }
}
