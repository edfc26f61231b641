package org.tbcm4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** A PNG bar chart of one value per category with symmetric error bars (e.g. a mean and its interval), by XChart. */
public final class ErrorBarChart {
    private ErrorBarChart() {}

    /** One bar per category: {@code values[i]} ± {@code errors[i]} (NaN errors are drawn as none). */
    public static void write(Path png, String title, String yLabel, List<String> categories, double[] values,
            double[] errors) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(480, 90 * categories.size())).height(360)
                .title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 30 : 0);
        List<Number> y = new ArrayList<>();
        List<Number> e = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            y.add(values[i]);
            e.add(Double.isFinite(errors[i]) ? errors[i] : 0.0);
        }
        chart.addSeries(yLabel, categories, y, e);
        byte[] bytes;
        try {
            bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot draw " + png, ex);
        }
        org.tbcm4j.util.AtomicFiles.write(png, bytes);
    }
}
