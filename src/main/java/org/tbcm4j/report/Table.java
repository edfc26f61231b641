package org.tbcm4j.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A titled table of text cells, header first, rendered as Markdown here and as HTML by {@link HtmlReport}:
 * a summary builds its tables once and each page renders them.
 */
public record Table(String title, List<List<String>> rows) {
    public Table {
        rows = rows.stream().map(r -> List.copyOf(r)).toList();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least its header row");
        }
    }

    /** A table with {@code header} and no rows yet, to {@link Builder#add} to. */
    public static Builder titled(String title, List<String> header) {
        return new Builder(title, header);
    }

    /** As a Markdown section: {@code ## title}, then the table with its header rule. */
    public String markdown() {
        StringBuilder b = new StringBuilder("## ").append(title).append("\n\n");
        for (int r = 0; r < rows.size(); r++) {
            b.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
            if (r == 0) {
                b.append("|").append("---|".repeat(rows.get(r).size())).append('\n');
            }
        }
        return b.append('\n').toString();
    }

    /** As CSV (RFC 4180): the header, then the rows; a cell with a comma, quote or line break is quoted. */
    public String csv() {
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                b.append(c == 0 ? "" : ",").append(cell.matches("(?s).*[,\"\r\n].*")
                        ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Collects a table's rows. */
    public static final class Builder {
        private final String title;
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(String title, List<String> header) {
            this.title = title;
            rows.add(List.copyOf(header));
        }

        public Builder add(List<String> row) {
            rows.add(List.copyOf(row));
            return this;
        }

        public Table build() {
            return new Table(title, rows);
        }
    }
}
