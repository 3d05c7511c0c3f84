package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.plot.Charts;
import dev.clnn.plot.PngAssertions;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clnn schedule}: its CSV against the schedule formulas written out here, its plot, and its errors. */
class ScheduleCommandTest {
    /** The CSV carries Double.toString, which reads back exactly; this only absorbs cos(π/2) ≈ 6e-17. */
    private static final double EXACT = 1e-12;

    @TempDir
    Path tmp;

    private static CliRun clnn(String... args) {
        return CliRun.of(args);
    }

    /** The lr column of {@code schedule --csv}, checking the header and the step column. */
    private static double[] csv(String... args) {
        CliRun r = clnn(args);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("step,lr", lines[0]);
        double[] lr = new double[lines.length - 1];
        for (int t = 0; t < lr.length; t++) {
            String[] cells = lines[t + 1].split(",");
            assertEquals(String.valueOf(t), cells[0]);
            lr[t] = Double.parseDouble(cells[1]);
        }
        return lr;
    }

    @Test
    void cosineCsvFollowsTheFormulaAndIsHalfTheRateHalfway() {
        double lr0 = 0.1;
        int n = 1000;
        double[] lr = csv("schedule", "--schedule", "cosine", "--lr", "0.1", "--steps", "1000", "--csv");
        assertEquals(n, lr.length);
        for (int t = 0; t < n; t++) {
            assertEquals(0.5 * lr0 * (1 + Math.cos(Math.PI * t / n)), lr[t], EXACT, "t = " + t);
        }
        assertEquals(lr0, lr[0], 0);
        assertEquals(lr0 / 2, lr[500], EXACT);
    }

    @Test
    void stepCsvHalvesTheRateEveryHundredSteps() {
        double[] lr = csv("schedule", "--schedule", "step:100,0.5", "--lr", "0.2", "--steps", "350", "--csv");
        assertEquals(350, lr.length);
        for (int t = 0; t < 350; t++) {
            assertEquals(0.2 * Math.pow(0.5, t / 100), lr[t], EXACT, "t = " + t);
        }
        assertEquals(0.2, lr[99], 0);
        assertEquals(0.1, lr[100], 0);
        assertEquals(0.025, lr[349], 0);
    }

    @Test
    void warmupCsvRampsLinearlyThenAnnealsOverTheRemainingSteps() {
        double lr0 = 0.05;
        int w = 50;
        int n = 250;
        double[] lr = csv("schedule", "--schedule", "cosine", "--lr", "0.05", "--steps", "250", "--warmup", "50",
                "--csv");
        for (int t = 0; t < n; t++) {
            double expected = t < w ? lr0 * (t + 1) / w : 0.5 * lr0 * (1 + Math.cos(Math.PI * (t - w) / (n - w)));
            assertEquals(expected, lr[t], EXACT, "t = " + t);
        }
        assertEquals(0.001, lr[0], EXACT);
        assertEquals(lr0, lr[w - 1], EXACT);
        assertEquals(lr0 / 2, lr[w + (n - w) / 2], EXACT);
    }

    @Test
    void summaryNamesFirstMinMaxAndLastRate() {
        CliRun r = clnn("schedule", "--schedule", "step:2,0.1", "--lr", "1", "--steps", "5");
        assertEquals(0, r.code(), r.err());
        assertEquals("step(lr0=1.0, stepSize=2, gamma=0.1) over 5 steps: first 1, min 0.01, max 1, last 0.01",
                r.out().strip());
    }

    @Test
    void plotIsAPngOfOnePanel() throws IOException {
        Path file = tmp.resolve("lr.png");
        CliRun r = clnn("schedule", "--schedule", "cosine", "--lr", "0.05", "--steps", "1250", "--plot",
                file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("plotted " + file, r.out().strip());
        PngAssertions.assertPng(file, Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
    }

    @Test
    void badInputIsOneLineNamingTheProblem() {
        String missing = tmp.resolve("no/such/lr.png").toString();
        String[][] cases = {
            {"--steps must be a positive integer", "schedule", "--schedule", "cosine", "--lr", "1", "--steps", "0"},
            {"--lr must be a finite number", "schedule", "--schedule", "cosine", "--lr", "-1", "--steps", "5"},
            {"--lr must be a finite number", "schedule", "--schedule", "cosine", "--lr", "Infinity", "--steps", "5"},
            {"--lr is required", "schedule", "--schedule", "cosine", "--steps", "5"},
            {"unknown option --step", "schedule", "--schedule", "cosine", "--lr", "1", "--step", "5"},
            {"unknown schedule", "schedule", "--schedule", "cosin", "--lr", "1", "--steps", "5"},
            {"folder", "schedule", "--schedule", "cosine", "--lr", "1", "--steps", "5", "--plot", missing},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun r = clnn(args);
            assertEquals(1, r.code(), String.join(" ", args) + " -> " + r.out() + r.err());
            assertTrue(r.err().contains(c[0]), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
            assertEquals("", r.out());
        }
    }
}
