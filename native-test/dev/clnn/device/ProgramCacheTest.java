package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.fixtures.ChildJvm;
import dev.clnn.fixtures.IsolatedStores;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("opencl")
class ProgramCacheTest {
    /** "CLNNBIN" and a zero byte open every entry; the format version follows. */
    private static final int MAGIC_BYTES = 8;

    @TempDir
    Path cacheDir;

    @AfterEach
    void restoreSettings() {
        IsolatedStores.resetKernelCache();
    }

    @Test
    void aSecondProcessLoadsTheProgramBinaryFromDiskInsteadOfCompiling() throws IOException {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.useKernelCacheDir(cacheDir);
        try (ClDevice first = ClDevice.open(info)) {
            first.build("relu.cl", "");
            assertEquals(1, first.sourceBuilds());
            first.build("relu.cl", ""); // in-memory hit
            assertEquals(1, first.sourceBuilds());
        }
        assertEquals(1, countBinaries(), "one binary written for one (file, options)");
        try (ClDevice second = ClDevice.open(info)) {
            second.build("relu.cl", "");
            assertEquals(0, second.sourceBuilds());
            assertEquals(1, second.binaryLoads());
            second.build("relu.cl", "-DUNUSED=1"); // other options: another key
            assertEquals(1, second.sourceBuilds());
        }
    }

    /** Ways a cache entry can be damaged or replaced; none may reach the driver. */
    enum Damage {
        TRUNCATED_TO_100_BYTES,
        EMPTY,
        LAST_PAYLOAD_BYTE_FLIPPED,
        VERSION_BYTE_FLIPPED,
        HUGE_PAYLOAD_LENGTH,
        ANOTHER_KEYS_ENTRY_RENAMED_ONTO_IT,
        RAW_BINARY_AS_FORMAT_1_WROTE_IT,
        EMPTY_FOLDER,
        SYMBOLIC_LINK_TO_ANOTHER_ENTRY
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedEntryIsRebuiltFromSourceAndReplacedByAValidOne(Damage damage) throws IOException {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.useKernelCacheDir(cacheDir);
        Path entry = newEntryAfter(() -> {
            try (ClDevice d = ClDevice.open(info)) {
                assertEquals(List.of(), DeviceWorkloads.runRelu(d));
            }
        });
        Path other = newEntryAfter(() -> {
            try (ClDevice d = ClDevice.open(info)) {
                d.build("sgd.cl", "");
            }
        });
        damage(damage, entry, other);
        try (ClDevice d = ClDevice.open(info)) {
            assertEquals(List.of(), DeviceWorkloads.runRelu(d));
            assertEquals(1, d.sourceBuilds(), damage + ": rebuilt from source");
            assertEquals(0, d.binaryLoads(), damage + ": nothing loaded from the damaged entry");
        }
        assertValidEntry(entry);
        try (ClDevice d = ClDevice.open(info)) {
            assertEquals(List.of(), DeviceWorkloads.runRelu(d));
            assertEquals(0, d.sourceBuilds(), damage + ": the replacement is used");
            assertEquals(1, d.binaryLoads());
        }
    }

    @Test
    void aFolderWithContentOnAnEntrysNameIsLeftAloneAndTheProgramStillBuilds() throws IOException {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.useKernelCacheDir(cacheDir);
        Path entry = newEntryAfter(() -> {
            try (ClDevice d = ClDevice.open(info)) {
                d.build("relu.cl", "");
            }
        });
        Files.delete(entry);
        Files.writeString(Files.createDirectory(entry).resolve("someone-elses.txt"), "keep me");
        try (ClDevice d = ClDevice.open(info)) {
            assertEquals(List.of(), DeviceWorkloads.runRelu(d));
            assertEquals(1, d.sourceBuilds());
        }
        assertEquals("keep me", Files.readString(entry.resolve("someone-elses.txt")));
    }

    @Test
    void cacheFilesTruncatedTo100BytesCannotCrashAFreshProcess(@TempDir Path work)
            throws IOException, InterruptedException {
        OpenClTestSupport.deviceInfo();
        String selector = OpenClTestSupport.selector();
        ChildJvm child = new ChildJvm(DeviceWorkloads.class).environment("CLNN_KERNEL_CACHE_DIR", cacheDir.toString());
        ChildJvm.Result first = child.run(work, "relu", selector);
        assertEquals(0, first.exitCode(), first.output());
        List<Path> entries = entries();
        assertFalse(entries.isEmpty(), "the first run wrote no cache entry");
        for (Path entry : entries) {
            truncate(entry, 100);
        }
        // Before entries were verified, POCL died with SIGSEGV in clCreateProgramWithBinary here (exit code 134).
        ChildJvm.Result second = child.run(work, "relu", selector);
        assertEquals(0, second.exitCode(), second.output());
        for (Path entry : entries) {
            assertValidEntry(entry);
        }
    }

    @Test
    void theDiskCacheCanBeSwitchedOff() throws IOException {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.useKernelCacheDir(cacheDir);
        IsolatedStores.kernelCacheOff();
        try (ClDevice d = ClDevice.open(info)) {
            d.build("relu.cl", "");
        }
        assertEquals(0, countBinaries());
    }

    @Test
    void aCompileErrorCarriesTheFileTheOptionsAndTheBuildLog(@TempDir Path work)
            throws IOException, InterruptedException {
        OpenClTestSupport.deviceInfo();
        // In a child JVM: the compiler writes its error count to the process's stderr.
        ChildJvm.Result result = new ChildJvm(DeviceWorkloads.class).environment("CLNN_KERNEL_CACHE", "off")
                .run(work, "build-failing", OpenClTestSupport.selector(), "gemm_gpu.cl", "-DMWG=not_a_number");
        assertEquals(0, result.exitCode(), result.output());
        List<String> lines = result.stdout().lines().toList();
        assertEquals(List.of("file: gemm_gpu.cl", "options: -DMWG=not_a_number", "build log blank: false",
                "message has the build log: true"), lines.subList(0, 4), result.output());
        assertTrue(lines.get(4).startsWith("message: building kernels/gemm_gpu.cl"), result.output());
    }

    @Test
    void aMissingKernelNameIsAnErrorNamingIt() {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        try (ClDevice d = ClDevice.open(info)) {
            DeviceException e = assertThrows(DeviceException.class, () -> d.kernel("relu.cl", "no_such_kernel", ""));
            assertTrue(e.getMessage().contains("no_such_kernel"), e.getMessage());
        }
    }

    private long countBinaries() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.filter(p -> p.toString().endsWith(".bin")).count();
        }
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.filter(p -> p.toString().endsWith(".bin")).sorted().toList();
        }
    }

    /** The one entry {@code work} adds to the cache folder. */
    private Path newEntryAfter(Runnable work) throws IOException {
        List<Path> before = entries();
        work.run();
        List<Path> added = new ArrayList<>(entries());
        added.removeAll(before);
        assertEquals(1, added.size(), "entries added: " + added);
        return added.get(0);
    }

    private static void assertValidEntry(Path entry) throws IOException {
        String key = entry.getFileName().toString().replaceFirst("\\.bin$", "");
        try {
            assertTrue(CachedBinary.read(entry, key).length > 0);
        } catch (CachedBinary.InvalidEntryException e) {
            fail(entry + " is not a valid entry: " + e.getMessage());
        }
    }

    private static void damage(Damage damage, Path entry, Path other) throws IOException {
        byte[] bytes = Files.readAllBytes(entry);
        String key = entry.getFileName().toString().replaceFirst("\\.bin$", "");
        switch (damage) {
            case TRUNCATED_TO_100_BYTES -> truncate(entry, 100);
            case EMPTY -> truncate(entry, 0);
            case LAST_PAYLOAD_BYTE_FLIPPED -> {
                bytes[bytes.length - 1] ^= 1;
                Files.write(entry, bytes);
            }
            case VERSION_BYTE_FLIPPED -> {
                bytes[MAGIC_BYTES + 3] ^= 1;
                Files.write(entry, bytes);
            }
            case HUGE_PAYLOAD_LENGTH -> {
                ByteBuffer.wrap(bytes).putLong(MAGIC_BYTES + 4 + 4 + key.length(), Long.MAX_VALUE - 7);
                Files.write(entry, bytes);
            }
            case ANOTHER_KEYS_ENTRY_RENAMED_ONTO_IT -> Files.move(other, entry, StandardCopyOption.REPLACE_EXISTING);
            case RAW_BINARY_AS_FORMAT_1_WROTE_IT -> {
                try {
                    Files.write(entry, CachedBinary.read(entry, key));
                } catch (CachedBinary.InvalidEntryException e) {
                    fail("fresh entry invalid: " + e.getMessage());
                }
            }
            case EMPTY_FOLDER -> {
                Files.delete(entry);
                Files.createDirectory(entry);
            }
            case SYMBOLIC_LINK_TO_ANOTHER_ENTRY -> {
                Files.delete(entry);
                Files.createSymbolicLink(entry, other);
            }
        }
    }

    private static void truncate(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(bytes);
        }
    }
}
