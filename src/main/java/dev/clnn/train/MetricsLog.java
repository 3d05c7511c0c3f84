package dev.clnn.train;

import dev.clnn.data.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Training metrics as CSV: one row per step (test columns filled on the last step of each epoch). The file is
 * rewritten atomically at every epoch end, so it is always complete and a crash never leaves half a file.
 */
final class MetricsLog {
    static final String HEADER = "step,epoch,loss,lr,samples_per_s,test_loss,test_accuracy\n";

    private final Path file;
    private final StringBuilder rows;

    MetricsLog(Path file) {
        this(file, "");
    }

    /** A log that goes on from the rows of an interrupted run ({@link #csv}), or starts afresh when they are "". */
    MetricsLog(Path file, String csv) {
        this.file = file;
        if (!csv.isEmpty() && !csv.startsWith(HEADER)) {
            throw new IllegalArgumentException("metrics rows of the training state do not start with the header "
                    + HEADER.strip());
        }
        this.rows = new StringBuilder(csv.isEmpty() ? HEADER : csv);
    }

    /** Every row so far, header first, as the file will hold them. */
    String csv() {
        return rows.toString();
    }

    void step(long step, int epoch, double loss, double lr, double samplesPerSecond) {
        rows.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.1f,,%n", step, epoch, loss, lr, samplesPerSecond));
    }

    /** Fills the test columns of the last step row and writes the file. */
    void epochEnd(Evaluation test) {
        int end = rows.length() - System.lineSeparator().length();
        rows.setLength(end - 1); // drop the trailing ",," before the line end
        rows.append(String.format(Locale.ROOT, ",%.6g,%.6f%n", test.loss(), test.accuracy()));
        flush();
    }

    /** Writes every row so far (a stopped run's file then shows its last steps too). */
    void flush() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, out -> out.write(rows.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics file " + file + ": " + e.getMessage(), e);
        }
    }
}
