package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.plot.Charts;
import dev.clnn.plot.PngAssertions;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPlotTest {
    @TempDir
    Path tmp;

    @Test
    void historyKeepsStepsAndEpochsInOrder() {
        TrainingHistory h = new TrainingHistory();
        for (int t = 0; t < 100; t++) {
            h.step(2.0 - t / 100.0, 0.1 / (t + 1));
        }
        h.epoch(1.5, new Evaluation(1.25, 40, 50));
        h.epoch(0.5, new Evaluation(0.75, 45, 50));
        assertEquals(100, h.steps());
        assertEquals(2, h.epochs());
        assertEquals(0.1 / 100, h.stepLr()[99], 0);
        assertEquals(1.01, h.stepLoss()[99], 1e-15);
        assertArrayEquals(new double[] {1.5, 0.5}, h.epochTrainLoss());
        assertArrayEquals(new double[] {1.25, 0.75}, h.epochTestLoss());
        assertArrayEquals(new double[] {0.8, 0.9}, h.epochTestAccuracy());
    }

    @Test
    void plotHasThreePanelsSideBySide() throws IOException {
        TrainingHistory h = new TrainingHistory();
        for (int t = 0; t < 30; t++) {
            h.step(1.0 / (t + 1), 0.05 * (30 - t) / 30);
        }
        h.epoch(0.6, new Evaluation(0.5, 80, 100));
        h.epoch(0.3, new Evaluation(0.4, 90, 100));
        Path file = tmp.resolve("training.png");
        TrainingPlot.write(file, h, "cross-entropy loss");
        PngAssertions.assertPng(file, 3 * Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
    }

    @Test
    void aRunStoppedInItsFirstEpochStillPlots() throws IOException {
        TrainingHistory h = new TrainingHistory();
        h.step(2.3, 0.5);
        h.step(Double.NaN, 0.5);
        Path file = tmp.resolve("diverged.png");
        TrainingPlot.write(file, h, "cross-entropy loss");
        PngAssertions.assertPng(file, 3 * Charts.PANEL_WIDTH, Charts.PANEL_HEIGHT);
    }
}
