package org.tbcm4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One table, three renderings: Markdown, CSV and (through HtmlReport) HTML. */
class TableTest {
    private static final Table T = Table.titled("FD, w 1.5", List.of("arm", "fd")).add(List.of("tbcm", "1.0"))
            .add(List.of("a, \"b\"", "<2>")).build();

    @Test
    void markdownHasTheTitleTheHeaderRuleAndEveryRow() {
        assertEquals("## FD, w 1.5\n\n| arm | fd |\n|---|---|\n| tbcm | 1.0 |\n| a, \"b\" | <2> |\n\n", T.markdown());
    }

    @Test
    void csvQuotesOnlyCellsThatNeedItAndDoublesTheirQuotes() {
        assertEquals("arm,fd\ntbcm,1.0\n\"a, \"\"b\"\"\",<2>\n", T.csv());
    }

    @Test
    void htmlEscapesCellsUnderTheTitle() {
        String page = new HtmlReport("p").table(T).render();
        assertTrue(page.contains("<h2>FD, w 1.5</h2>"), page);
        assertTrue(page.contains("<th>arm</th><th>fd</th>") && page.contains("<td>&lt;2&gt;</td>"), page);
    }

    @Test
    void aTableHasItsHeader() {
        assertThrows(IllegalArgumentException.class, () -> new Table("t", List.of()));
    }
}
