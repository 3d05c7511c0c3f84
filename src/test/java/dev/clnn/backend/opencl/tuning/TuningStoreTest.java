package dev.clnn.backend.opencl.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.device.DeviceInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning store and its file format, without any OpenCL: only an intact file for the same device is used. */
class TuningStoreTest {
    private static final Map<String, String> ENTRIES = Map.of("gemm.small", "vw16 rm6 wn3 g8", "gemm.large",
            "vw16 rm12 wn2 g8");

    @TempDir
    Path dir;

    static DeviceInfo device(String name, String driver) {
        return new DeviceInfo(0, 0, "Portable Computing Language", "OpenCL 3.0 PoCL 3.1", name, "AuthenticAMD",
                driver, "OpenCL 3.0", false, 2, 8L << 30, 2L << 30, 512L << 10, 4096, true, false, 16);
    }

    private static final DeviceInfo CPU = device("pthread-skylake-avx512-AMD EPYC", "3.1");

    @Test
    void storedEntriesComeBackForTheSameDevice() throws IOException {
        TuningStore store = new TuningStore(dir.resolve("not-yet"));
        assertEquals(Map.of(), store.load(CPU), "no file yet");
        Path file = store.put(CPU, ENTRIES);
        assertEquals(ENTRIES, store.load(CPU));
        assertEquals(ENTRIES, new TuningStore(dir.resolve("not-yet")).load(CPU), "a second store, same folder");
        String name = file.getFileName().toString();
        assertTrue(name.startsWith("pthread-skylake-avx512-amd-epyc-" + store.key(CPU).substring(0, 16)), name);
        String text = Files.readString(file);
        assertTrue(text.contains("key " + store.key(CPU) + "\n"), text);
        assertTrue(text.contains("gemm.small = vw16 rm6 wn3 g8\n"), text);
    }

    @Test
    void putKeepsTheOtherEntriesAndReplacesItsOwn() throws IOException {
        TuningStore store = new TuningStore(dir);
        store.put(CPU, ENTRIES);
        store.put(CPU, Map.of("gemm.small", "vw16 rm4 wn2 g4", "gpu-gemm.large", "mwg64"));
        Map<String, String> expected = new LinkedHashMap<>(ENTRIES);
        expected.put("gemm.small", "vw16 rm4 wn2 g4");
        expected.put("gpu-gemm.large", "mwg64");
        assertEquals(expected, store.load(CPU));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "one file per device, no temporary left");
        }
    }

    @Test
    void devicesDriversAndCodegenTargetsNeverShareResults() throws IOException {
        TuningStore store = new TuningStore(dir);
        DeviceInfo newerDriver = device("pthread-skylake-avx512-AMD EPYC", "3.2");
        DeviceInfo otherCpu = device("pthread-haswell-AMD EPYC", "3.1");
        assertNotEquals(store.key(CPU), store.key(newerDriver));
        assertNotEquals(store.file(CPU), store.file(otherCpu));
        store.put(CPU, ENTRIES);
        assertEquals(Map.of(), store.load(newerDriver));
        assertEquals(Map.of(), store.load(otherCpu));
    }

    @Test
    void aFileCopiedOntoAnotherDevicesNameIsRejected() throws IOException {
        TuningStore store = new TuningStore(dir);
        DeviceInfo other = device("pthread-haswell-AMD EPYC", "3.1");
        Files.copy(store.put(CPU, ENTRIES), store.file(other));
        assertEquals(Map.of(), store.load(other));
        TuningFile.InvalidFileException e = assertThrows(TuningFile.InvalidFileException.class,
                () -> TuningStore.read(store.file(other), store.key(other)));
        assertTrue(e.getMessage().contains("another device"), e.getMessage());
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] file = TuningFile.encode("ab".repeat(32), "d", ENTRIES);
        for (int length = 0; length < file.length; length++) {
            byte[] cut = Arrays.copyOf(file, length);
            assertThrows(TuningFile.InvalidFileException.class, () -> TuningFile.decode(cut, "ab".repeat(32)),
                    "truncated to " + length + " bytes");
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] file = TuningFile.encode("ab".repeat(32), "d", ENTRIES);
        for (int i = 0; i < file.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = file.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThrows(TuningFile.InvalidFileException.class, () -> TuningFile.decode(flipped,
                        "ab".repeat(32)), "bit " + bit + " of byte " + i + " flipped");
            }
        }
    }

    @Test
    void aDamagedFileMeansDefaultsAndStaysForTheUserToSee() throws IOException {
        TuningStore store = new TuningStore(dir);
        Path file = store.put(CPU, ENTRIES);
        String text = Files.readString(file).replace("rm6", "rm8");
        Files.writeString(file, text);
        assertEquals(Map.of(), store.load(CPU));
        assertTrue(Files.exists(file));
        TuningFile.InvalidFileException e = assertThrows(TuningFile.InvalidFileException.class,
                () -> TuningStore.read(file, store.key(CPU)));
        assertTrue(e.getMessage().contains("digest does not match"), e.getMessage());
        assertTrue(!e.olderFormat());
    }

    @Test
    void anotherFormatVersionIsOutdatedNotDamaged() throws IOException {
        TuningStore store = new TuningStore(dir);
        Path file = store.put(CPU, ENTRIES);
        List<String> lines = Files.readAllLines(file);
        lines.set(0, "clnn tuning file, format " + (TuningFile.FORMAT_VERSION + 1));
        Files.write(file, lines, StandardCharsets.UTF_8);
        assertEquals(Map.of(), store.load(CPU));
        TuningFile.InvalidFileException e = assertThrows(TuningFile.InvalidFileException.class,
                () -> TuningStore.read(file, store.key(CPU)));
        assertTrue(e.olderFormat(), e.getMessage());
    }

    @Test
    void onlyRegularFilesAreRead() throws IOException {
        TuningStore store = new TuningStore(dir);
        Files.createDirectories(store.file(CPU));
        assertEquals(Map.of(), store.load(CPU));
        Path big = dir.resolve("big.tuning");
        Files.write(big, new byte[TuningFile.MAX_FILE_BYTES + 10]);
        assertThrows(TuningFile.InvalidFileException.class, () -> TuningStore.read(big, store.key(CPU)));
    }

    @Test
    void badEntriesAreNotWritten() {
        assertThrows(IllegalArgumentException.class,
                () -> TuningFile.encode("k", "d", Map.of("Gemm Large", "x")));
        assertThrows(IllegalArgumentException.class,
                () -> TuningFile.encode("k", "d", Map.of("gemm.large", "a\nkey evil")));
    }
}
