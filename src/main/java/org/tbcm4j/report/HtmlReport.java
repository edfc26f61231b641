package org.tbcm4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A self-contained HTML page: headings, paragraphs, tables and images referenced by relative path. */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A table whose first row is the header. */
    /** A titled table: its title as a heading, then the table. */
    public HtmlReport table(Table table) {
        return heading(table.title()).table(table.rows());
    }

    public HtmlReport table(List<List<String>> rows) {
        body.append("<table>\n");
        for (int r = 0; r < rows.size(); r++) {
            body.append("<tr>");
            for (String cell : rows.get(r)) {
                String tag = r == 0 ? "th" : "td";
                body.append('<').append(tag).append('>').append(escape(cell)).append("</").append(tag).append('>');
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Images side by side, each with a caption. */
    public HtmlReport figures(List<String[]> pathAndCaption) {
        body.append("<div class=\"row\">\n");
        for (String[] f : pathAndCaption) {
            body.append("<figure><img src=\"").append(escape(f[0])).append("\" alt=\"").append(escape(f[1]))
                    .append("\"><figcaption>").append(escape(f[1])).append("</figcaption></figure>\n");
        }
        body.append("</div>\n");
        return this;
    }

    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 10px;"
                + "text-align:right}th{background:#eee}td:first-child,th:first-child{text-align:left}"
                + ".row{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-size:90%;color:#555}"
                + "</style></head><body>\n<h1>" + escape(title) + "</h1>\n" + body + "</body></html>\n";
    }

    public static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    public static List<String> row(String... cells) {
        return new ArrayList<>(List.of(cells));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
