package dev.clnn.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shipped parity check ({@code clnn selfcheck --full}) passes on the test device, a line per comparison. */
@Tag("opencl")
class ParityCheckTest {
    @Test
    void everyComparisonPassesOnTheTestDevice() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failed = ParityCheck.run(OpenClTestSupport.backend(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, failed, text);
        long passes = text.lines().filter(l -> l.startsWith("PASS ")).count();
        assertTrue(text.contains("parity passed: " + passes + " comparisons"), text);
        assertTrue(passes > 100, text); // every family ran: GEMM alone is 21 comparisons
    }
}
