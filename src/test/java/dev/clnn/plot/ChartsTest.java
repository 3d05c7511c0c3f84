package dev.clnn.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ChartsTest {
    @TempDir
    Path tmp;

    private static XYChart line(int points) {
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = i;
            y[i] = i * 0.5;
        }
        XYChart chart = Charts.panel("title", "x", "y");
        Charts.addLine(chart, "s", x, y);
        return chart;
    }

    @Test
    void panelsArePlacedSideBySideInOnePng() throws IOException {
        Path file = tmp.resolve("two.png");
        Charts.writePng(file, List.of(line(10), line(20)));
        PngAssertions.assertPng(file, 2 * Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
    }

    @Test
    void longSeriesAreThinnedButKeepTheirFirstAndLastPoint() {
        XYSeries series = line(100_001).getSeriesMap().get("s");
        double[] x = series.getXData();
        assertTrue(x.length <= Charts.MAX_POINTS + 1, "points: " + x.length);
        assertEquals(0, x[0]);
        assertEquals(100_000, x[x.length - 1]);
        assertEquals(50_000, series.getYData()[x.length - 1]);
    }

    @Test
    void nonFiniteValuesBecomeGaps() {
        XYChart chart = Charts.panel("t", "x", "y");
        Charts.addLine(chart, "s", new double[] {0, 1, 2}, new double[] {1, Double.POSITIVE_INFINITY, 2});
        assertTrue(Double.isNaN(chart.getSeriesMap().get("s").getYData()[1]));
    }

    @Test
    void aFailedWriteLeavesTheExistingFileIntact() throws IOException {
        Path file = tmp.resolve("keep.png");
        Files.writeString(file, "previous");
        Path missing = tmp.resolve("no/such/folder/x.png");
        assertThrows(UncheckedIOException.class, () -> Charts.writePng(missing, List.of(line(3))));
        assertEquals("previous", Files.readString(file));
        Charts.writePng(file, List.of(line(3)));
        PngAssertions.assertPng(file, Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
    }
}
