package dev.clnn.train;

import java.io.PrintStream;

/**
 * Progress within an epoch (loss so far, samples/s, time left). On a terminal a progress bar is redrawn in place;
 * elsewhere (CI logs, pipes), or where me.tongfei:progressbar is not on the class path, a plain line is printed at
 * each quarter of the epoch; with --quiet nothing.
 */
interface Progress {

    /** Reports that {@code seen} of the epoch's {@code total} samples are done. */
    void update(int epoch, int epochs, int seen, int total, double loss, double samplesPerSecond);

    /** Ends the epoch's display before the epoch summary line; harmless when nothing is shown. */
    void endEpoch();

    /**
     * The display for a run.
     *
     * @param enabled  false for --quiet
     * @param terminal whether {@code out} is a terminal, which can redraw a line in place
     */
    static Progress create(PrintStream out, boolean enabled, boolean terminal) {
        if (!enabled) {
            return new Progress() {
                @Override
                public void update(int epoch, int epochs, int seen, int total, double loss, double rate) {
                }

                @Override
                public void endEpoch() {
                }
            };
        }
        // The bar's library is optional for users of the library, who may still run on a terminal.
        return terminal && OptionalDependency.PROGRESSBAR.present() ? new BarProgress(out, BarProgress.TERMINAL_WIDTH)
                : new PlainProgress(out);
    }
}
