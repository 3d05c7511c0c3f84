package dev.clnn.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress on a terminal: one progress bar per epoch (me.tongfei:progressbar) with the loss so far and samples/s
 * as its message. The bar is drawn on the trainer's stream; at the epoch's end it is closed and its line wiped, so
 * the epoch summary line takes its place.
 */
final class BarProgress implements Progress {
    /** Width argument that makes the bar as wide as the terminal. */
    static final int TERMINAL_WIDTH = -1;
    private static final int REDRAW_MILLIS = 100;

    private final PrintStream out;
    private final int width;
    private ProgressBar bar;
    private WipingConsumer consumer;

    /** @param width characters the bar may take, or {@link #TERMINAL_WIDTH} */
    BarProgress(PrintStream out, int width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public void update(int epoch, int epochs, int seen, int total, double loss, double samplesPerSecond) {
        if (bar == null) {
            // Built at the epoch's first step, so lines printed before it (start-up time) are not drawn over.
            consumer = new WipingConsumer(out, width);
            bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(total)
                    .setUpdateIntervalMillis(REDRAW_MILLIS).setConsumer(consumer).build();
        }
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %.0f samples/s", loss, samplesPerSecond));
        bar.stepTo(seen);
    }

    @Override
    public void endEpoch() {
        if (bar != null) {
            // close() waits for the bar's last redraw on its own thread; only then is the wipe the last output.
            bar.close();
            consumer.wipe();
            bar = null;
            consumer = null;
        }
    }

    /**
     * Redraws the bar in place and never ends its line. The library's own finish (a newline, or blanks then a
     * newline) is skipped on a bar closed before its first timed redraw, and otherwise leaves an empty line.
     */
    private static final class WipingConsumer extends ConsoleProgressBarConsumer {
        private final PrintStream out;
        private int widest;

        WipingConsumer(PrintStream out, int width) {
            super(out, width);
            this.out = out;
        }

        @Override
        public void accept(String rendered) {
            super.accept(rendered);
            widest = Math.max(widest, Math.min(rendered.length(), getMaxRenderedLength()));
        }

        @Override
        public void clear() {
        }

        @Override
        public void close() {
        }

        void wipe() {
            out.print("\r" + " ".repeat(widest) + "\r");
            out.flush();
        }
    }
}
