package org.tbcm4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG line chart of named (x, y) series, drawn with XChart. */
public final class LineChart {
    private LineChart() {}

    public static void write(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
            boolean logY) {
        XYChart chart = new XYChartBuilder().width(640).height(360).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        series.forEach((name, points) -> {
            if (points.isEmpty()) {
                return;
            }
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i)[0];
                y[i] = logY ? Math.max(points.get(i)[1], 1e-12) : points.get(i)[1];
            }
            XYSeries s = chart.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.NONE);
        });
        byte[] bytes;
        try {
            bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + png, e);
        }
        org.tbcm4j.util.AtomicFiles.write(png, bytes);
    }
}
