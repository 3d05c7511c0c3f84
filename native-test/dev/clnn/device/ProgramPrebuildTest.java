package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.opencl.KernelFile;
import dev.clnn.fixtures.ChildJvm;
import dev.clnn.fixtures.IsolatedStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Programs built ahead of need on the background thread ({@link ClDevice#prebuild}). */
@Tag("opencl")
class ProgramPrebuildTest {
    @TempDir
    Path cacheDir;

    @AfterEach
    void restoreSettings() {
        IsolatedStores.resetKernelCache();
    }

    @Test
    void filesPrebuiltTogetherAreOneBuildAndOneCacheEntryThatTheNextProcessLoads() throws Exception {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.useKernelCacheDir(cacheDir);
        List<ProgramSpec> specs = List.of(new ProgramSpec("relu.cl", ""), new ProgramSpec("sgd.cl", ""));
        try (ClDevice first = ClDevice.open(info)) {
            first.prebuild(specs);
            assertEquals(List.of(), DeviceWorkloads.runRelu(first));
            first.build("sgd.cl", "");
            assertEquals(1, first.sourceBuilds(), "relu.cl and sgd.cl as one program");
        }
        assertEquals(1, countBinaries(), "one binary for the combined program");
        try (ClDevice second = ClDevice.open(info)) {
            second.prebuild(specs);
            assertEquals(List.of(), DeviceWorkloads.runRelu(second));
            second.build("sgd.cl", "");
            assertEquals(0, second.sourceBuilds());
            assertEquals(1, second.binaryLoads());
        }
    }

    @Test
    void everyKernelFileBuildsInOneProgramWithTheOthers() throws Exception {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.kernelCacheOff();
        List<ProgramSpec> all = Arrays.stream(KernelFile.values()).map(f -> new ProgramSpec(f.fileName(), ""))
                .toList();
        try (ClDevice d = ClDevice.open(info)) {
            d.prebuild(all);
            d.awaitPrebuilds();
            for (ProgramSpec spec : all) {
                d.build(spec.file(), spec.options());
            }
            // A clash of function names between files would have failed the combined build and built each alone.
            assertEquals(1, d.sourceBuilds(), "the combined program was used for every file");
        }
    }

    @Test
    void twoThreadsAskingForTheSameProgramGetOneBuild() throws Exception {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.kernelCacheOff();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (ClDevice d = ClDevice.open(info)) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(threads.submit(() -> {
                    start.await();
                    d.build("relu.cl", "");
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
            assertEquals(1, d.sourceBuilds());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aProgramAskedForAfterItsBackgroundBuildIsNotBuiltAgain() throws Exception {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.kernelCacheOff();
        try (ClDevice d = ClDevice.open(info)) {
            d.prebuild(List.of(new ProgramSpec("relu.cl", "")));
            d.awaitPrebuilds();
            assertEquals(1, d.sourceBuilds(), "built by the background thread");
            assertEquals(List.of(), DeviceWorkloads.runRelu(d));
            assertEquals(1, d.sourceBuilds());
        }
    }

    @Test
    void aDeviceClosedWhileProgramsBuildInTheBackgroundClosesCleanly() {
        DeviceInfo info = OpenClTestSupport.deviceInfo();
        IsolatedStores.kernelCacheOff();
        ClDevice d = ClDevice.open(info);
        // Each alone (same file, other options), so several builds are queued when close() comes.
        d.prebuild(List.of(new ProgramSpec("relu.cl", "-DA=1"), new ProgramSpec("relu.cl", "-DA=2"),
                new ProgramSpec("relu.cl", "-DA=3")));
        d.close();
        assertThrows(IllegalStateException.class, () -> d.build("relu.cl", ""));
        try (ClDevice again = ClDevice.open(info)) {
            assertEquals(List.of(), DeviceWorkloads.runRelu(again));
        }
    }

    @Test
    void aBackgroundBuildThatFailsReachesTheCallerAsItsKernelBuildException(@TempDir Path work)
            throws IOException, InterruptedException {
        OpenClTestSupport.deviceInfo();
        // In a child JVM: the compiler writes its error count to the process's stderr.
        ChildJvm.Result result = new ChildJvm(DeviceWorkloads.class).environment("CLNN_KERNEL_CACHE", "off")
                .run(work, "prebuild-failing", OpenClTestSupport.selector(), "gemm_gpu.cl", "-DMWG=not_a_number", "alone");
        assertEquals(0, result.exitCode(), result.output());
        List<String> lines = result.stdout().lines().toList();
        assertEquals(List.of("file: gemm_gpu.cl", "options: -DMWG=not_a_number", "build log blank: false",
                "message has the build log: true", "built by: another thread"), lines.subList(0, 5),
                result.output());
    }

    @Test
    void aCombinedBuildThatFailsLeavesTheGoodFilesWorkingAndBlamesTheBadOne(@TempDir Path work)
            throws IOException, InterruptedException {
        OpenClTestSupport.deviceInfo();
        ChildJvm.Result result = new ChildJvm(DeviceWorkloads.class).environment("CLNN_KERNEL_CACHE", "off")
                .run(work, "prebuild-failing", OpenClTestSupport.selector(), "gemm_gpu.cl", "-DMWG=not_a_number", "with-relu");
        assertEquals(0, result.exitCode(), result.output());
        List<String> lines = result.stdout().lines().toList();
        assertEquals(List.of("file: gemm_gpu.cl", "options: -DMWG=not_a_number", "build log blank: false",
                "message has the build log: true", "built by: this thread"), lines.subList(0, 5), result.output());
        assertTrue(result.output().contains("relu.cl ran"), result.output());
    }

    private long countBinaries() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.filter(p -> p.toString().endsWith(".bin")).count();
        }
    }
}
