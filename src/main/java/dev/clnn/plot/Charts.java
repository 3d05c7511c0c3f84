package dev.clnn.plot;

import dev.clnn.data.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts drawn off-screen with XChart and written as one PNG, panels side by side. Rendering needs no display:
 * AWT is put in headless mode before XChart is first used, unless the caller chose a mode already.
 */
public final class Charts {
    /** Size of one panel in pixels. */
    public static final int PANEL_WIDTH = 640;
    public static final int PANEL_HEIGHT = 420;
    /** More points than pixels across only slow rendering down; longer series are thinned to about this many. */
    static final int MAX_POINTS = 2000;
    /** Series this short get a marker on every point, so a run of one or two epochs still shows something. */
    private static final int MARKED_POINTS = 50;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** An empty panel with a title and both axis titles; x values are counts (steps, epochs). */
    public static XYChart panel(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        // Below the plot, so the legend never hides the last points, which matter most.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisTickMarkSpacingHint(80);
        // x is a step or epoch count: no thousands separators, which run tick labels together.
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(6);
        return chart;
    }

    /**
     * Adds the line y(x) to {@code chart}. Non-finite values become gaps instead of stretching the axis to infinity;
     * a series longer than {@link #MAX_POINTS} is thinned to evenly spaced points that keep the first and last.
     */
    public static void addLine(XYChart chart, String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length
                    + " y values");
        }
        int stride = Math.max(1, (x.length + MAX_POINTS - 1) / MAX_POINTS);
        int count = x.length == 0 ? 0 : (x.length - 1 + stride - 1) / stride + 1;
        double[] xs = new double[count];
        double[] ys = new double[count];
        for (int i = 0; i < count; i++) {
            int at = Math.min(i * stride, x.length - 1);
            xs[i] = x[at];
            ys[i] = Double.isFinite(y[at]) ? y[at] : Double.NaN;
        }
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setMarker(count <= MARKED_POINTS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    /**
     * Renders the panels left to right into one PNG and writes it atomically: {@code file} is either replaced whole
     * or left untouched.
     *
     * @throws UncheckedIOException when the file cannot be written (its folder is missing, the disk is full, …)
     */
    public static void writePng(Path file, List<XYChart> panels) {
        int width = 0;
        int height = 0;
        for (XYChart panel : panels) {
            width += panel.getWidth();
            height = Math.max(height, panel.getHeight());
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int x = 0;
            for (XYChart panel : panels) {
                g.drawImage(BitmapEncoder.getBufferedImage(panel), x, 0, null);
                x += panel.getWidth();
            }
        } finally {
            g.dispose();
        }
        try {
            AtomicFiles.write(file, out -> {
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer in this Java runtime");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }
}
