package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's errors and help; none of these cases starts Spark. */
class SparkMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SparkMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownFlagIsOneLineOnStderr() {
        assertEquals(1, run("train", "--bogus"));
        assertEquals("clnn-spark: Unknown option: '--bogus'", err().strip());
    }

    @Test
    void badSparkSettingsAreRejectedBeforeSparkStarts() {
        assertEquals(1, run("train", "--local-steps", "0"));
        assertEquals("clnn-spark: --local-steps must be positive, got 0", err().strip());
        err.reset();
        assertEquals(1, run("train", "--resume", "a", "--checkpoint-dir", "b"));
        assertEquals("clnn-spark: --resume a with --checkpoint-dir b: a resumed run keeps its states in the folder it"
                + " resumes from", err().strip());
    }

    @Test
    void helpListsTheTrainFlagsAndTheSparkOnes() {
        assertEquals(0, run("train", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--model", "--epochs", "--batch", "--lr", "--momentum", "--nesterov",
            "--weight-decay", "--schedule", "--warmup", "--seed", "--save", "--quiet", "--device", "--master",
            "--local-steps", "--checkpoint-dir", "--resume"}) {
            assertTrue(help.contains(flag), flag + " missing from:\n" + help);
        }
        assertEquals("", err());
    }
}
