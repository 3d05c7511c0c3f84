package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("opencl")
class ProgramCacheTest {
    @TempDir
    Path cacheDir;

    @AfterEach
    void restoreSettings() {
        System.clearProperty("clnn.kernelCacheDir");
        System.clearProperty("clnn.kernelCache");
    }

    private static DeviceInfo device() {
        OpenClTestSupport.requireDevice();
        return ClDevice.select(System.getenv().getOrDefault("CLNN_TEST_DEVICE", "opencl"));
    }

    @Test
    void aSecondProcessLoadsTheProgramBinaryFromDiskInsteadOfCompiling() throws IOException {
        DeviceInfo info = device();
        System.setProperty("clnn.kernelCacheDir", cacheDir.toString());
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

    @Test
    void aCorruptCachedBinaryIsDiscardedAndRebuilt() throws IOException {
        DeviceInfo info = device();
        System.setProperty("clnn.kernelCacheDir", cacheDir.toString());
        try (ClDevice first = ClDevice.open(info)) {
            first.build("relu.cl", "");
        }
        try (Stream<Path> files = Files.list(cacheDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.write(p, new byte[] {1, 2, 3});
            }
        }
        try (ClDevice second = ClDevice.open(info)) {
            second.build("relu.cl", "");
            assertEquals(1, second.sourceBuilds());
        }
    }

    @Test
    void theDiskCacheCanBeSwitchedOff() throws IOException {
        DeviceInfo info = device();
        System.setProperty("clnn.kernelCacheDir", cacheDir.toString());
        System.setProperty("clnn.kernelCache", "off");
        try (ClDevice d = ClDevice.open(info)) {
            d.build("relu.cl", "");
        }
        assertEquals(0, countBinaries());
    }

    @Test
    void aCompileErrorCarriesTheFileTheOptionsAndTheBuildLog() {
        DeviceInfo info = device();
        System.setProperty("clnn.kernelCache", "off");
        try (ClDevice d = ClDevice.open(info)) {
            KernelBuildException e = assertThrows(KernelBuildException.class,
                    () -> d.build("matmul.cl", "-DTS=not_a_number"));
            assertEquals("matmul.cl", e.file());
            assertEquals("-DTS=not_a_number", e.options());
            assertFalse(e.buildLog().isBlank(), "empty build log");
            assertTrue(e.getMessage().contains("matmul.cl") && e.getMessage().contains(e.buildLog()));
        }
    }

    @Test
    void aMissingKernelNameIsAnErrorNamingIt() {
        DeviceInfo info = device();
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
}
