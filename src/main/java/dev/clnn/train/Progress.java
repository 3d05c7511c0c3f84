package dev.clnn.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress within an epoch (loss so far, samples/s, ETA). On a terminal one line is redrawn in place, at most ten
 * times a second; elsewhere (CI logs, pipes) a plain line is printed at each quarter of the epoch.
 */
final class Progress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int PLAIN_LINES_PER_EPOCH = 4;

    private final PrintStream out;
    private final boolean enabled;
    private final boolean terminal;
    private long lastDraw;
    private boolean drawn;
    private int nextQuarter = 1;

    Progress(PrintStream out, boolean enabled, boolean terminal) {
        this.out = out;
        this.enabled = enabled;
        this.terminal = terminal;
    }

    void update(int epoch, int epochs, int seen, int total, double loss, double samplesPerSecond) {
        if (!enabled || seen >= total) {
            return;
        }
        String line = String.format(Locale.ROOT, "epoch %d/%d [%5d/%d] loss %.4f  %.0f samples/s  ETA %.0fs",
                epoch, epochs, seen, total, loss, samplesPerSecond, (total - seen) / Math.max(samplesPerSecond, 1e-9));
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                out.print("\r" + line + "   ");
                out.flush();
                drawn = true;
            }
        } else if ((long) seen * PLAIN_LINES_PER_EPOCH >= (long) nextQuarter * total) {
            while ((long) seen * PLAIN_LINES_PER_EPOCH >= (long) nextQuarter * total) {
                nextQuarter++;
            }
            out.println("  " + line);
        }
    }

    /** Ends the epoch's progress display, before the epoch summary line. */
    void endEpoch() {
        nextQuarter = 1;
        if (drawn) {
            out.print("\r" + " ".repeat(79) + "\r");
            drawn = false;
        }
    }
}
