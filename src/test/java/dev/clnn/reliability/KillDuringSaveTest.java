package dev.clnn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.fixtures.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Killing a process with SIGKILL while it saves a checkpoint leaves the file complete: the previous version or the
 * new one, never a mixture or a truncated file (writes go to a temporary file that is then renamed over the target).
 */
class KillDuringSaveTest {
    /** 4 M floats = 16 MiB per save: long enough that a kill at a random moment usually lands mid-write. */
    private static final int COUNT = 4 << 20;

    @TempDir
    Path tmp;

    @Test
    void sigkillInTheMiddleOfSavesNeverDamagesTheCheckpoint() throws Exception {
        Path file = tmp.resolve("model.safetensors");
        Safetensors.write(file, List.of(TensorEntry.f32("0.weight", new int[] {COUNT}, new float[COUNT])),
                Map.of("version", "0"));
        SplittableRandom random = new SplittableRandom(9);
        for (int round = 0; round < 4; round++) {
            Process child = new ChildJvm(SafetensorsWriterLoop.class)
                    .builder(file.toString(), Integer.toString(COUNT)).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                // Skip anything the JVM itself may print first (e.g. "Picked up JAVA_TOOL_OPTIONS").
                String line = out.readLine();
                while (line != null && !line.equals("writing")) {
                    line = out.readLine();
                }
                assertEquals("writing", line, "the writer did not start");
                Thread.sleep(random.nextInt(20, 400));
                child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            SafetensorsFile saved = Safetensors.read(file);
            float[] values = saved.tensor("0.weight").floats();
            float version = values[0];
            for (int i = 0; i < values.length; i++) {
                if (values[i] != version) {
                    throw new AssertionError("round " + round + ": element " + i + " is " + values[i]
                            + " but element 0 is " + version + ": a mixed file");
                }
            }
            assertEquals(Integer.toString((int) version), saved.metadata().get("version"), "round " + round);
        }
    }
}
