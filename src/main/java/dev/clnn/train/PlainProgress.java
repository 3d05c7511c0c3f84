package dev.clnn.train;

import java.io.PrintStream;
import java.util.Locale;

/** Progress as plain lines, one at each quarter of an epoch, for logs and pipes that cannot redraw a line. */
final class PlainProgress implements Progress {
    private static final int LINES_PER_EPOCH = 4;

    private final PrintStream out;
    private int nextQuarter = 1;

    PlainProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void update(int epoch, int epochs, int seen, int total, double loss, double samplesPerSecond) {
        // The epoch summary follows at once, so a line for the finished epoch would repeat it.
        if (seen >= total || (long) seen * LINES_PER_EPOCH < (long) nextQuarter * total) {
            return;
        }
        while ((long) seen * LINES_PER_EPOCH >= (long) nextQuarter * total) {
            nextQuarter++;
        }
        out.printf(Locale.ROOT, "  epoch %d/%d [%5d/%d] loss %.4f  %.0f samples/s  ETA %.0fs%n", epoch, epochs, seen,
                total, loss, samplesPerSecond, (total - seen) / Math.max(samplesPerSecond, 1e-9));
    }

    @Override
    public void endEpoch() {
        nextQuarter = 1;
    }
}
