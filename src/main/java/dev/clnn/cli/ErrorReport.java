package dev.clnn.cli;

import dev.clnn.data.AtomicFiles;
import dev.clnn.device.KernelBuildException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Reports a failed command as exactly one line on stderr, {@code clnn: <message>}, with the stack trace before it
 * under --debug. A kernel build failure carries the compiler's whole log, far too long for that line: the full text
 * goes to a file, {@code clnn-build-<time>-<pid>.log} in the log folder, and the line ends by naming the file.
 */
final class ErrorReport {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

    private final PrintStream err;
    private final boolean debug;
    private final Path logDir;

    /** @param logDir where build logs go; {@link Main} uses the system temp folder */
    ErrorReport(PrintStream err, boolean debug, Path logDir) {
        this.err = err;
        this.debug = debug;
        this.logDir = logDir;
    }

    /** Prints the report and returns the exit code: a stopped command's own, else 1. */
    int report(RuntimeException e) {
        if (debug) {
            e.printStackTrace(err);
        }
        String line = firstLine(e);
        KernelBuildException build = buildFailure(e);
        if (build != null) {
            line = withoutColon(line) + "; " + saveLog(e, build);
        }
        err.println("clnn: " + line);
        return e instanceof CommandStoppedException stopped ? stopped.exitCode() : 1;
    }

    /** Writes the whole message to a new log file and says where; or, when that fails, why and what to do. */
    private String saveLog(RuntimeException e, KernelBuildException build) {
        Path file = logDir.resolve("clnn-build-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current()
                .pid() + ".log");
        String text = (e == build ? "" : e.getMessage() + "\n") + build.getMessage() + "\n";
        try {
            AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
            return "build log in " + file.toAbsolutePath();
        } catch (IOException io) {
            return "the build log could not be written to " + logDir + " (" + io + "); --debug prints it";
        }
    }

    private static KernelBuildException buildFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KernelBuildException k) {
                return k;
            }
        }
        return null;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** "… failed (CL_BUILD_PROGRAM_FAILURE):" introduces the log that no longer follows. */
    private static String withoutColon(String line) {
        return line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
    }
}
