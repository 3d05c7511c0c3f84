package dev.clnn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    @TempDir
    Path tmp;

    static TrainingState sample(long steps) {
        float[] weight = {1.5f, -0f, Float.MIN_VALUE, 3.4028235e38f, -2.25f, 1e-30f};
        return new TrainingState(Map.of("batch", "64", "model", "linear(3,2)"),
                new TrainingPosition(2, 5, steps, 0.1 + 0.2, 320),
                List.of(TensorEntry.f32("0.weight", new int[] {2, 3}, weight),
                        TensorEntry.f32("0.bias", new int[] {2}, new float[] {0.5f, -0.5f})),
                Map.of("0.weight", TensorEntry.f32("0.weight", new int[] {2, 3}, new float[] {6, 5, 4, 3, 2, 1})),
                Map.of("step_loss", new double[] {2.3, 1.1, Math.PI}, "epoch_test_accuracy", new double[] {0.9}),
                "step,epoch\n1,1\n");
    }

    @Test
    void aStateReadsBackBitForBit() {
        Path file = tmp.resolve("s.safetensors");
        TrainingState state = sample(17);
        StateFile.write(file, state);
        TrainingState back = StateFile.read(file);
        assertEquals(state.settings(), back.settings());
        assertEquals(state.position(), back.position()); // the double 0.1 + 0.2 exactly, through its hex form
        assertEquals(state.metricsCsv(), back.metricsCsv());
        Map<String, TensorEntry> params = new HashMap<>();
        back.params().forEach(t -> params.put(t.name(), t));
        for (TensorEntry t : state.params()) {
            assertArrayEquals(t.shape(), params.get(t.name()).shape());
            assertArrayEquals(bits(t.floats()), bits(params.get(t.name()).floats()), t.name());
        }
        assertEquals(state.momentum().keySet(), back.momentum().keySet());
        assertArrayEquals(state.momentum().get("0.weight").floats(), back.momentum().get("0.weight").floats());
        assertArrayEquals(state.curves().get("step_loss"), back.curves().get("step_loss"));
        assertArrayEquals(state.curves().get("epoch_test_accuracy"), back.curves().get("epoch_test_accuracy"));
    }

    @Test
    void theWeightsSitUnderTheirStateDictNamesBesideTheOptimiserState() {
        Path file = tmp.resolve("s.safetensors");
        StateFile.write(file, sample(3));
        SafetensorsFile f = Safetensors.read(file);
        assertEquals(List.of("0.bias", "0.weight", "curve.epoch_test_accuracy", "curve.step_loss",
                "optimizer.momentum_buffer.0.weight"), List.copyOf(f.tensors().keySet()));
        assertEquals("pt", f.metadata().get("format"));
    }

    @Test
    void aTruncatedFileIsDamaged() throws IOException {
        Path file = tmp.resolve("s.safetensors");
        StateFile.write(file, sample(3));
        byte[] bytes = Files.readAllBytes(file);
        for (int cut : new int[] {0, 7, 100, bytes.length - 1}) {
            Files.write(file, Arrays.copyOf(bytes, cut));
            DamagedStateException e = assertThrows(DamagedStateException.class, () -> StateFile.read(file));
            assertTrue(e.getMessage().startsWith(file + ": unreadable: "), e.getMessage());
        }
    }

    @Test
    void anyAlteredElementFailsTheDigest() throws IOException {
        Path file = tmp.resolve("s.safetensors");
        StateFile.write(file, sample(3));
        byte[] bytes = Files.readAllBytes(file);
        // Every byte of the data section (after the 8-byte length and the header), one at a time.
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        for (int i = (int) (8 + headerLength); i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x10;
            Files.write(file, altered);
            DamagedStateException e = assertThrows(DamagedStateException.class, () -> StateFile.read(file),
                    "byte " + i);
            assertEquals(file + ": content does not match its SHA-256 digest (altered or damaged)", e.getMessage());
        }
    }

    @Test
    void anEditedCounterFailsTheDigest() throws IOException {
        Path file = tmp.resolve("s.safetensors");
        StateFile.write(file, sample(3));
        String text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        // Same length, so the header still parses: only the digest can tell.
        Files.writeString(file, text.replace("\"clnn.steps\":\"3\"", "\"clnn.steps\":\"4\""),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThrows(DamagedStateException.class, () -> StateFile.read(file));
    }

    @Test
    void plainWeightsAreNotATrainingState() {
        Path file = tmp.resolve("w.safetensors");
        Safetensors.write(file, List.of(TensorEntry.f32("0.bias", new int[] {1}, new float[] {1})), Map.of());
        DamagedStateException e = assertThrows(DamagedStateException.class, () -> StateFile.read(file));
        assertEquals(file + ": not a clnn training state (no clnn.state metadata)", e.getMessage());
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
