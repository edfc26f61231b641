package org.tbcm4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * metrics.csv of a run: a fixed header, one row per logging interval. On resume, rows past the
 * resumed step are dropped, since the run will write them again.
 */
public final class MetricsCsv {
    private final Path file;
    private final List<String> columns;

    public MetricsCsv(Path file, List<String> columns) {
        this.file = file;
        this.columns = List.copyOf(columns);
    }

    /**
     * Starts a fresh file, or keeps the complete rows up to {@code resumedStep} of an existing one: a row cut
     * short by a crash or a full disk (no newline, or too few fields) is dropped, as are rows past the step.
     * Returns the last kept row's values by column (empty for a fresh file), for what a resumed run carries on.
     */
    public Map<String, Double> open(long resumedStep) {
        try {
            List<String> kept = new ArrayList<>();
            kept.add(String.join(",", columns));
            if (resumedStep > 0 && Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int complete = text.lastIndexOf('\n') + 1;
                String[] lines = text.substring(0, complete).split("\n");
                for (int i = 1; i < lines.length; i++) {
                    String[] fields = lines[i].split(",", -1);
                    if (fields.length == columns.size() && fields[0].matches("[0-9]{1,18}")
                            && Long.parseLong(fields[0]) <= resumedStep) {
                        kept.add(lines[i]);
                    }
                }
            }
            RunDirectory.writeAtomically(file, String.join("\n", kept) + "\n");
            Map<String, Double> last = new java.util.LinkedHashMap<>();
            if (kept.size() > 1) {
                String[] fields = kept.get(kept.size() - 1).split(",", -1);
                for (int i = 0; i < columns.size(); i++) {
                    if (!fields[i].isEmpty()) {
                        last.put(columns.get(i), parse(fields[i]));
                    }
                }
            }
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to resume", e);
        }
    }

    private static double parse(String field) {
        try {
            return Double.parseDouble(field);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Appends a row; columns without a value stay empty. */
    public void append(Map<String, Double> values) {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            Double v = values.get(columns.get(i));
            if (v != null) {
                row.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf(v.longValue())
                        : String.format(Locale.ROOT, "%.6g", v));
            }
        }
        row.append('\n');
        try {
            Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
