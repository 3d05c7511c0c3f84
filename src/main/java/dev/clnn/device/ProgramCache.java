package dev.clnn.device;

import static org.jocl.CL.CL_KERNEL_COMPILE_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithBinary;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseProgram;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Programs built from the classpath kernels, once per (file, build options) for this device and context, and
 * kept as program binaries on disk ({@link ProgramDiskCache}) so a later process skips the compiler. Programs can
 * be built ahead of need on a background thread ({@link #prebuild}), several files as one program: POCL spends
 * about 0.1-0.2 s on every program whatever its size (its OpenCL C header and builtin library), so seven small
 * programs cost several times one that holds them all. A thread that needs a program waits for its build if one
 * is running, or builds it itself if it has not started, and a failed build reaches that thread as its own
 * {@link KernelBuildException}; a combined program that fails is not an error, its files are built one by one.
 * Binaries of programs built from source are written to disk when the cache closes, because fetching a binary
 * costs POCL a code generation per kernel.
 */
final class ProgramCache implements AutoCloseable {
    /** Standard OpenCL build option that inhibits all warnings. */
    private static final String NO_WARNINGS = "-w";
    private static final System.Logger LOG = System.getLogger("dev.clnn");

    /** Set by {@link ClDevice#setCompilerDiagnostics}; null follows the system property {@code clnn.debug}. */
    private static volatile Boolean diagnostics;

    private final cl_context context;
    private final cl_device_id device;
    private final cl_command_queue queue;
    private final DeviceInfo info;
    private final ProgramDiskCache disk;
    private final BackgroundBuilds background;
    private final Map<String, ProgramBuild> programs = new ConcurrentHashMap<>();
    /** Builds of several files as one program; their files' entries in {@link #programs} resolve to them. */
    private final List<ProgramBuild> combined = new CopyOnWriteArrayList<>();
    private final Map<String, ClKernel> kernels = new HashMap<>();
    /** Programs built from source whose binaries are not on disk yet, keyed by their disk key. */
    private final Map<String, cl_program> unsaved = new HashMap<>();
    private final AtomicInteger sourceBuilds = new AtomicInteger();
    private final AtomicInteger binaryLoads = new AtomicInteger();

    /** @param diskDir the disk cache's folder, or null when it is switched off */
    ProgramCache(cl_context context, cl_device_id device, cl_command_queue queue, DeviceInfo info, Path diskDir) {
        this.context = context;
        this.device = device;
        this.queue = queue;
        this.info = info;
        this.disk = diskDir == null ? null : new ProgramDiskCache(info, diskDir);
        this.background = new BackgroundBuilds(info.name());
    }

    static void setDiagnostics(boolean on) {
        diagnostics = on;
    }

    private static boolean diagnostics() {
        Boolean set = diagnostics;
        return set != null ? set : Boolean.getBoolean("clnn.debug");
    }

    ClKernel kernel(String file, String name, String options) {
        String key = file + '\0' + options + '\0' + name;
        synchronized (kernels) {
            ClKernel kernel = kernels.get(key);
            if (kernel != null) {
                return kernel;
            }
        }
        awaitBackground();
        cl_program program = program(file, options);
        synchronized (kernels) {
            ClKernel kernel = kernels.get(key);
            if (kernel == null) {
                String what = "creating kernel " + name + " from kernels/" + file + " (options \"" + options + "\")";
                cl_kernel handle = Cl.call(what, info.name(),
                        () -> CompilerLock.exclusively(() -> clCreateKernel(program, name, null)));
                long[] groupLimit = Cl.call(() -> "querying the work-group sizes of kernel " + name, info.name(),
                        () -> new long[] {groupInfo(handle, CL_KERNEL_WORK_GROUP_SIZE, 1)[0]});
                long[] required = Cl.call(() -> "querying the work-group sizes of kernel " + name, info.name(),
                        () -> groupInfo(handle, CL_KERNEL_COMPILE_WORK_GROUP_SIZE, 3));
                kernel = new ClKernel(handle, queue, name, info.name(), groupLimit[0], required);
                kernels.put(key, kernel);
            }
            return kernel;
        }
    }

    /**
     * {@code count} size_t values of a compiled kernel's work-group information: CL_KERNEL_WORK_GROUP_SIZE (the most
     * work-items a group may have, below the device's maximum where the kernel needs many registers) or
     * CL_KERNEL_COMPILE_WORK_GROUP_SIZE (its reqd_work_group_size, zeros where it has none).
     */
    private long[] groupInfo(cl_kernel kernel, int param, int count) {
        long[] values = new long[count];
        clGetKernelWorkGroupInfo(kernel, device, param, (long) Sizeof.size_t * count, Pointer.to(values), null);
        return values;
    }

    /** The program, built here, or by the background thread if it has started on it (then this waits). */
    cl_program program(String file, String options) {
        ProgramBuild build = entry(file, options);
        build.runIfUnclaimed();
        return build.await();
    }

    /**
     * Starts building {@code specs} on the background thread and returns. Those not asked for yet, one per file,
     * become one program; the rest are built one by one after it. A build the caller asks for before the thread
     * reaches it is done by the caller.
     */
    void prebuild(List<ProgramSpec> specs) {
        Map<String, ProgramSpec> byFile = new LinkedHashMap<>();
        List<ProgramSpec> alone = new ArrayList<>();
        for (ProgramSpec spec : specs) {
            if (programs.containsKey(key(spec.file(), spec.options()))) {
                continue;
            }
            if (byFile.putIfAbsent(spec.file(), spec) != null) {
                alone.add(spec); // the same file with other options (e.g. another transposition)
            }
        }
        List<ProgramSpec> together = new ArrayList<>(byFile.values());
        if (together.size() > 1) {
            ProgramBuild all = new ProgramBuild(together.size() + " files", () -> loadCombined(together), f -> { });
            combined.add(all);
            for (ProgramSpec spec : together) {
                String key = key(spec.file(), spec.options());
                programs.putIfAbsent(key, new ProgramBuild(spec.file(), () -> fromCombined(all, spec),
                        failed -> programs.remove(key, failed)));
            }
            background.submit(all::runIfUnclaimed);
        } else {
            alone.addAll(0, together);
        }
        for (ProgramSpec spec : alone) {
            background.submit(entry(spec.file(), spec.options())::runIfUnclaimed);
        }
    }

    /** Waits for the background builds asked for so far. */
    void awaitPrebuilds() throws InterruptedException {
        background.awaitQueued();
    }

    /**
     * Kernels are created, and so launched, only once the background builds are done: Oclgrind crashed running a
     * kernel while the background compiled, and POCL runs the two one after the other anyway (one compiler lock per
     * context). The first kernel a step needs is in the first background build, so this costs no start-up time.
     */
    private void awaitBackground() {
        try {
            background.awaitQueued();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller builds what it needs itself
        }
    }

    private ProgramBuild entry(String file, String options) {
        String key = key(file, options);
        return programs.computeIfAbsent(key, k -> new ProgramBuild(file, () -> load(file, options),
                failed -> programs.remove(k, failed)));
    }

    private static String key(String file, String options) {
        return file + '\0' + buildOptions(options);
    }

    /** What the driver is given: {@code options}, with {@code -w} unless diagnostics are on. */
    private static String buildOptions(String options) {
        return diagnostics() ? options : (NO_WARNINGS + " " + options).strip();
    }

    /** The combined program that holds {@code spec}'s file, or the file alone if the combined one failed. */
    private cl_program fromCombined(ProgramBuild all, ProgramSpec spec) {
        all.runIfUnclaimed();
        try {
            return all.await();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "building kernels/" + spec.file() + " alone: the combined program failed: " + e);
            return load(spec.file(), spec.options());
        }
    }

    /** One program of the specs' files, built with all their options (each file's macros are its own). */
    private cl_program loadCombined(List<ProgramSpec> specs) {
        List<String> files = specs.stream().map(ProgramSpec::file).toList();
        Set<String> options = new LinkedHashSet<>();
        specs.forEach(spec -> options.addAll(List.of(spec.options().split(" +"))));
        options.remove("");
        String joined = String.join(" ", options);
        return load(String.join(", ", files), KernelSource.program(files), joined, buildOptions(joined));
    }

    /** Source builds and disk-binary loads so far, for tests of the cache itself. */
    int sourceBuilds() {
        return sourceBuilds.get();
    }

    int binaryLoads() {
        return binaryLoads.get();
    }

    private cl_program load(String file, String options) {
        return load(file, KernelSource.program(file), options, buildOptions(options));
    }

    /**
     * @param file         the file (or files) named in errors
     * @param options      the caller's options, as named in errors
     * @param buildOptions what the driver is given
     */
    private cl_program load(String file, String source, String options, String buildOptions) {
        String key = disk == null ? null : disk.key(source, buildOptions);
        if (disk != null) {
            byte[] binary = disk.read(key);
            cl_program program = binary == null ? null : fromBinary(binary, buildOptions);
            if (program != null) {
                binaryLoads.incrementAndGet();
                logBuild(program, file, buildOptions);
                return program;
            }
            if (binary != null) {
                disk.discard(key, "the driver rejected the binary");
            }
        }
        cl_program program = fromSource(file, source, options, buildOptions);
        sourceBuilds.incrementAndGet();
        logBuild(program, file, buildOptions);
        if (disk != null) {
            synchronized (unsaved) {
                unsaved.put(key, program);
            }
        }
        return program;
    }

    private cl_program fromSource(String file, String source, String options, String buildOptions) {
        cl_program program = Cl.call("creating the program for kernels/" + file, info.name(),
                () -> clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
        try {
            Cl.call("building kernels/" + file, info.name(),
                    () -> CompilerLock.exclusively(
                            () -> clBuildProgram(program, 1, new cl_device_id[] {device}, buildOptions, null, null)));
        } catch (DeviceException e) {
            KernelBuildException failure = new KernelBuildException(file, options, info.name(), buildLog(program),
                    e.status());
            try {
                release(program);
            } catch (DeviceException releaseFailure) {
                failure.addSuppressed(releaseFailure);
            }
            throw failure;
        }
        return program;
    }

    /** A program from a verified binary, or null when the driver does not accept it (e.g. after a driver update). */
    private cl_program fromBinary(byte[] binary, String buildOptions) {
        cl_program program = null;
        try {
            int[] status = new int[1];
            program = Cl.call("loading a cached program binary", info.name(),
                    () -> CompilerLock.exclusively(() -> clCreateProgramWithBinary(context, 1,
                            new cl_device_id[] {device}, new long[] {binary.length}, new byte[][] {binary}, status,
                            null)));
            cl_program created = program;
            Cl.call("building a cached program binary", info.name(),
                    () -> CompilerLock.exclusively(
                            () -> clBuildProgram(created, 1, new cl_device_id[] {device}, buildOptions, null, null)));
            return program;
        } catch (DeviceException e) {
            if (program != null) {
                try {
                    release(program);
                } catch (DeviceException releaseFailure) {
                    // The program is rebuilt from source either way; a failed release costs only its memory.
                    System.getLogger("dev.clnn").log(System.Logger.Level.DEBUG, releaseFailure.getMessage());
                }
            }
            return null;
        }
    }

    /** With diagnostics on, a program's non-empty build log (warnings, remarks) goes to the log at INFO. */
    private void logBuild(cl_program program, String file, String buildOptions) {
        if (!diagnostics()) {
            return;
        }
        String log = buildLog(program);
        if (!log.isEmpty()) {
            LOG.log(Level.INFO, "build log of kernels/" + file + " (options \"" + buildOptions + "\") on "
                    + info.name() + ":\n" + log);
        }
    }

    private String buildLog(cl_program program) {
        try {
            return Cl.call("reading the build log", info.name(), () -> {
                long[] size = new long[1];
                clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
                byte[] log = new byte[(int) size[0]];
                clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
                return new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
            });
        } catch (DeviceException e) {
            return "(build log unavailable: " + e.getMessage() + ")";
        }
    }

    private void release(cl_program program) {
        Cl.call("releasing a program", info.name(), () -> CompilerLock.exclusively(() -> clReleaseProgram(program)));
    }

    /**
     * Waits for a background build in progress (those not started are dropped), writes the binaries of programs
     * built from source to the disk cache, then releases the kernels and programs.
     */
    @Override
    public void close() {
        background.close();
        Releaser releaser = new Releaser();
        List<Map.Entry<String, cl_program>> toSave;
        synchronized (unsaved) {
            toSave = new ArrayList<>(unsaved.entrySet());
            unsaved.clear();
        }
        toSave.forEach(e -> releaser.run(() -> disk.write(e.getValue(), e.getKey())));
        synchronized (kernels) {
            kernels.values().forEach(k -> releaser.run(k::close));
            kernels.clear();
        }
        // A combined program is the program of several entries: each is released once.
        Set<cl_program> built = Collections.newSetFromMap(new IdentityHashMap<>());
        programs.values().forEach(b -> b.built().ifPresent(built::add));
        combined.forEach(b -> b.built().ifPresent(built::add));
        built.forEach(p -> releaser.run(() -> release(p)));
        programs.clear();
        combined.clear();
        releaser.throwIfFailed();
    }
}
