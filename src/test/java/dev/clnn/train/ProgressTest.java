package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** One epoch of 1000 samples in steps of 100. */
    private static void epoch(Progress progress, int epoch) {
        for (int seen = 100; seen <= 1000; seen += 100) {
            progress.update(epoch, 2, seen, 1000, 0.5, 2000);
        }
        progress.endEpoch();
    }

    @Test
    void plainProgressPrintsALineAtEachQuarterButNotAtTheEpochEnd() {
        Progress progress = Progress.create(out, true, false);
        epoch(progress, 1);
        epoch(progress, 2);
        String[] lines = text().strip().split("\n");
        assertEquals(6, lines.length, text());
        assertEquals("epoch 1/2 [  300/1000] loss 0.5000  2000 samples/s  ETA 0s", lines[0].strip());
        assertTrue(lines[2].contains("[  800/1000]"), lines[2]);
        assertTrue(lines[3].contains("epoch 2/2 [  300/1000]"), "quarters restart each epoch: " + lines[3]);
    }

    @Test
    void quietProgressPrintsNothing() {
        Progress progress = Progress.create(out, false, true);
        epoch(progress, 1);
        assertEquals("", text());
    }

    @Test
    void barProgressDrawsOnTheTrainersStreamAndWipesItselfAtTheEpochEnd() {
        BarProgress progress = new BarProgress(out, 100);
        epoch(progress, 1);
        String drawn = text();
        assertTrue(drawn.contains("epoch 1/2"), drawn);
        assertTrue(drawn.contains("loss 0.5000  2000 samples/s"), drawn);
        assertTrue(drawn.endsWith("\r"), "the summary line must overwrite the bar: " + drawn);
        String wipe = drawn.substring(drawn.lastIndexOf('\r', drawn.length() - 2) + 1, drawn.length() - 1);
        assertTrue(wipe.length() >= "epoch 1/2".length() && wipe.isBlank(), "the bar is wiped: \"" + wipe + "\"");
        assertTrue(!drawn.contains("\n"), "the bar never ends its line: " + drawn);
        int before = text().length();
        progress.endEpoch();
        assertEquals(before, text().length(), "closing twice draws nothing");
    }
}
