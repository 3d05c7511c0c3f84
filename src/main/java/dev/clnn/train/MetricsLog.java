package dev.clnn.train;

import dev.clnn.data.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Training metrics as CSV: one row per step, whose test columns (those of {@link Evaluation#figures()}: loss and
 * accuracy, or loss, RMSE, MAE and R²) are filled on the last step of each epoch. The file is rewritten atomically at
 * every epoch end, so it is always complete and a crash never leaves half a file.
 */
final class MetricsLog {
    private final Path file;
    private final String header;
    private final int testColumns;
    private final StringBuilder rows;

    MetricsLog(Path file, LossKind loss) {
        this(file, loss, "");
    }

    /** A log that goes on from the rows of an interrupted run ({@link #csv}), or starts afresh when they are "". */
    MetricsLog(Path file, LossKind loss, String csv) {
        this.file = file;
        List<String> figures = Evaluation.figureNames(loss);
        this.header = header(loss);
        this.testColumns = figures.size();
        if (!csv.isEmpty() && !csv.startsWith(header)) {
            throw new IllegalArgumentException("metrics rows of the training state do not start with the header "
                    + header.strip());
        }
        this.rows = new StringBuilder(csv.isEmpty() ? header : csv);
    }

    /** The header row of a run with {@code loss}, line end included. */
    static String header(LossKind loss) {
        StringBuilder h = new StringBuilder("step,epoch,loss,lr,samples_per_s");
        Evaluation.figureNames(loss).forEach(name -> h.append(",test_").append(name));
        return h.append('\n').toString();
    }

    /** Every row so far, header first, as the file will hold them. */
    String csv() {
        return rows.toString();
    }

    void step(long step, int epoch, double loss, double lr, double samplesPerSecond) {
        rows.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.1f", step, epoch, loss, lr, samplesPerSecond))
                .append(",".repeat(testColumns)).append('\n');
    }

    /** Fills the test columns of the last step row and writes the file. */
    void epochEnd(Evaluation test) {
        rows.setLength(rows.length() - 1 - testColumns); // drop the empty test columns and the line end
        test.figures().forEach((name, value) -> rows.append(',').append(String.format(Locale.ROOT,
                name.equals("accuracy") ? "%.6f" : "%.6g", value)));
        rows.append('\n');
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
