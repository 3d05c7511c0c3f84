package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.KernelBuildException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a failed command is reported: one line, and a kernel build failure's whole log in a file the line names. */
class ErrorReportTest {
    private static final String LOG = "<source>:3:5: error: use of undeclared identifier 'acc'\n"
            + "    acc += a[i] * b[i];\n    ^\n1 error generated.";

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static KernelBuildException buildFailure() {
        return new KernelBuildException("matmul.cl", "-DTS=8", "pthread-test-cpu", LOG, -11);
    }

    @Test
    void aKernelBuildFailureIsOneLineNamingAFileWithTheWholeLog() throws IOException {
        KernelBuildException e = buildFailure();
        assertEquals(1, new ErrorReport(err, false, tmp).report(e));
        String line = printed();
        assertEquals(1, line.strip().split("\n").length, line);
        String head = "clnn: building kernels/matmul.cl with options \"-DTS=8\" for pthread-test-cpu failed (";
        assertTrue(line.startsWith(head), line);
        assertTrue(line.contains("); build log in " + tmp.toAbsolutePath() + "/clnn-build-"), line);
        Path file = Path.of(line.substring(line.indexOf("build log in ") + "build log in ".length()).strip());
        assertTrue(file.getFileName().toString().matches("clnn-build-\\d{8}-\\d{6}-\\d{3}-\\d+\\.log"), line);
        assertEquals(e.getMessage() + "\n", Files.readString(file));
        assertTrue(Files.readString(file).contains(LOG), "the whole log, every line");
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "the log and no temporary file");
        }
    }

    @Test
    void aWrappedBuildFailureKeepsTheOuterMessageInTheLineAndBothInTheFile() throws IOException {
        KernelBuildException cause = buildFailure();
        RuntimeException e = new IllegalStateException("gemm 4x4 on pthread-test-cpu failed", cause);
        new ErrorReport(err, false, tmp).report(e);
        String line = printed();
        assertTrue(line.startsWith("clnn: gemm 4x4 on pthread-test-cpu failed; build log in "), line);
        Path file = Path.of(line.substring(line.indexOf("build log in ") + "build log in ".length()).strip());
        assertEquals("gemm 4x4 on pthread-test-cpu failed\n" + cause.getMessage() + "\n", Files.readString(file));
    }

    @Test
    void aLogThatCannotBeWrittenIsStillOneLineSayingWhy() {
        Path missing = tmp.resolve("no-such-folder");
        new ErrorReport(err, false, missing).report(buildFailure());
        String line = printed();
        assertEquals(1, line.strip().split("\n").length, line);
        assertTrue(line.contains("; the build log could not be written to " + missing), line);
        assertTrue(line.endsWith("; --debug prints it\n"), line);
    }

    @Test
    void debugPrintsTheStackTraceWithTheWholeLogBeforeTheLine() {
        new ErrorReport(err, true, tmp).report(buildFailure());
        String[] lines = printed().split("\n");
        assertTrue(printed().contains(LOG), "the stack trace carries the whole message");
        assertTrue(lines[lines.length - 1].startsWith("clnn: building kernels/matmul.cl"), lines[lines.length - 1]);
    }

    @Test
    void otherErrorsAreTheirMessagesFirstLineAndWriteNoFile() throws IOException {
        assertEquals(1, new ErrorReport(err, false, tmp).report(new IllegalArgumentException("first\nsecond")));
        assertEquals("clnn: first\n", printed());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(0, files.count());
        }
    }
}
