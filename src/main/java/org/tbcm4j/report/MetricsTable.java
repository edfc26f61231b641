package org.tbcm4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's metrics.csv read back as columns (empty cells skipped), for charts. */
public final class MetricsTable {
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();

    private MetricsTable() {}

    public static MetricsTable read(Path csv) {
        MetricsTable t = new MetricsTable();
        try {
            List<String> lines = Files.readAllLines(csv);
            String[] header = lines.get(0).split(",", -1);
            for (String h : header) {
                t.series.put(h, new ArrayList<>());
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                double step = Double.parseDouble(cells[0]);
                for (int i = 1; i < header.length && i < cells.length; i++) {
                    if (!cells[i].isEmpty()) {
                        t.series.get(header[i]).add(new double[] {step, Double.parseDouble(cells[i])});
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        return t;
    }

    /** (step, value) points of a column; empty when the column is absent. */
    public List<double[]> column(String name) {
        return series.getOrDefault(name, List.of());
    }
}
