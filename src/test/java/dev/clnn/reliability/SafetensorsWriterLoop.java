package dev.clnn.reliability;

import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Rewrites one checkpoint file forever, version after version (every element of version v equals v), so a test can
 * kill the process with SIGKILL in the middle of a save.
 */
public final class SafetensorsWriterLoop {
    private SafetensorsWriterLoop() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        float[] data = new float[count];
        for (int version = 1; ; version++) {
            Arrays.fill(data, version);
            Safetensors.write(file, List.of(TensorEntry.f32("0.weight", new int[] {count}, data)),
                    Map.of("version", Integer.toString(version)));
            if (version == 1) {
                System.out.println("writing");
                System.out.flush();
            }
        }
    }
}
