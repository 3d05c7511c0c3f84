package dev.clnn.device;

import static org.jocl.CL.CL_PROGRAM_BINARIES;
import static org.jocl.CL.CL_PROGRAM_BINARY_SIZES;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithBinary;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clGetProgramInfo;
import static org.jocl.CL.clReleaseProgram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Programs built from the classpath kernels, once per (file, build options) for this device and context, and
 * kept as program binaries on disk so a later process skips the compiler. The disk key hashes the cache format
 * version, the device identity (platform, name, driver, version), the driver settings that change generated code,
 * the build options and the full source, so any change to one of them builds afresh. A cached file is verified
 * ({@link CachedBinary}) before the driver sees it; one that fails is deleted and rebuilt.
 */
final class ProgramCache implements AutoCloseable {
    /**
     * POCL settings that change the code it generates and that the device identity does not show: the target CPU,
     * extra compiler flags, the builtin kernel library, and how work-group functions are formed and specialised
     * (POCL stores compiled work-group functions in its program binaries). Settings that only affect run time,
     * logging or POCL's own cache are left out, so they do not force rebuilds.
     */
    private static final List<String> CODEGEN_ENVIRONMENT = List.of("POCL_LLVM_CPU_NAME", "POCL_EXTRA_BUILD_FLAGS",
            "POCL_KERNELLIB_NAME", "POCL_WORK_GROUP_METHOD", "POCL_WORK_GROUP_SPECIALIZATION",
            "POCL_BINARY_SPECIALIZE_WG", "POCL_FORCE_PARALLEL_OUTER_LOOP", "POCL_WILOOPS_MAX_UNROLL_COUNT",
            "POCL_FULL_REPLICATION_THRESHOLD");
    /** Standard OpenCL build option that inhibits all warnings. */
    private static final String NO_WARNINGS = "-w";
    private static final System.Logger LOG = System.getLogger("dev.clnn");

    /** Set by {@link ClDevice#setCompilerDiagnostics}; null follows the system property {@code clnn.debug}. */
    private static volatile Boolean diagnostics;

    private final cl_context context;
    private final cl_device_id device;
    private final cl_command_queue queue;
    private final DeviceInfo info;
    private final Path diskDir;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, ClKernel> kernels = new HashMap<>();
    private int sourceBuilds;
    private int binaryLoads;

    ProgramCache(cl_context context, cl_device_id device, cl_command_queue queue, DeviceInfo info, Path diskDir) {
        this.context = context;
        this.device = device;
        this.queue = queue;
        this.info = info;
        this.diskDir = diskDir;
    }

    static void setDiagnostics(boolean on) {
        diagnostics = on;
    }

    private static boolean diagnostics() {
        Boolean set = diagnostics;
        return set != null ? set : Boolean.getBoolean("clnn.debug");
    }

    synchronized ClKernel kernel(String file, String name, String options) {
        String key = file + '\0' + options + '\0' + name;
        ClKernel kernel = kernels.get(key);
        if (kernel == null) {
            cl_program program = program(file, options);
            String what = "creating kernel " + name + " from kernels/" + file + " (options \"" + options + "\")";
            cl_kernel handle = Cl.call(what, info.name(), () -> clCreateKernel(program, name, null));
            kernel = new ClKernel(handle, queue, name, info.name());
            kernels.put(key, kernel);
        }
        return kernel;
    }

    synchronized cl_program program(String file, String options) {
        String buildOptions = diagnostics() ? options : (NO_WARNINGS + " " + options).strip();
        String key = file + '\0' + buildOptions;
        cl_program program = programs.get(key);
        if (program == null) {
            program = load(file, options, buildOptions);
            programs.put(key, program);
        }
        return program;
    }

    /** Source builds and disk-binary loads so far, for tests of the cache itself. */
    synchronized int sourceBuilds() {
        return sourceBuilds;
    }

    synchronized int binaryLoads() {
        return binaryLoads;
    }

    /**
     * @param options      the caller's options, as named in errors
     * @param buildOptions what the driver is given: {@code options}, with {@code -w} unless diagnostics are on
     */
    private cl_program load(String file, String options, String buildOptions) {
        String source = KernelSource.program(file);
        String key = diskKey(source, buildOptions);
        Path cached = diskDir == null ? null : diskDir.resolve(key + ".bin");
        if (cached != null) {
            byte[] binary = readCached(cached, key);
            cl_program program = binary == null ? null : fromBinary(binary, buildOptions);
            if (program != null) {
                binaryLoads++;
                logBuild(program, file, buildOptions);
                return program;
            }
            if (binary != null) {
                discard(cached, "the driver rejected the binary");
            }
        }
        cl_program program = fromSource(file, source, options, buildOptions);
        sourceBuilds++;
        logBuild(program, file, buildOptions);
        if (cached != null) {
            store(program, cached, key);
        }
        return program;
    }

    private cl_program fromSource(String file, String source, String options, String buildOptions) {
        cl_program program = Cl.call("creating the program for kernels/" + file, info.name(),
                () -> clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
        try {
            Cl.call("building kernels/" + file, info.name(),
                    () -> clBuildProgram(program, 1, new cl_device_id[] {device}, buildOptions, null, null));
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

    /** The verified payload of a cache entry, or null when there is none or it is not valid (then it is deleted). */
    private byte[] readCached(Path path, String key) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return CachedBinary.read(path, key);
        } catch (CachedBinary.InvalidEntryException e) {
            discard(path, e.getMessage());
        } catch (IOException e) {
            discard(path, "unreadable: " + e);
        }
        return null;
    }

    /** A program from a verified binary, or null when the driver does not accept it (e.g. after a driver update). */
    private cl_program fromBinary(byte[] binary, String buildOptions) {
        cl_program program = null;
        try {
            int[] status = new int[1];
            program = Cl.call("loading a cached program binary", info.name(),
                    () -> clCreateProgramWithBinary(context, 1, new cl_device_id[] {device},
                            new long[] {binary.length}, new byte[][] {binary}, status, null));
            cl_program created = program;
            Cl.call("building a cached program binary", info.name(),
                    () -> clBuildProgram(created, 1, new cl_device_id[] {device}, buildOptions, null, null));
            return program;
        } catch (DeviceException e) {
            if (program != null) {
                release(program);
            }
            return null;
        }
    }

    private void store(cl_program program, Path path, String key) {
        try {
            byte[] binary = Cl.call("reading the program binary", info.name(), () -> {
                long[] size = new long[1];
                clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
                if (size[0] <= 0 || size[0] > CachedBinary.MAX_FILE_BYTES) {
                    return null;
                }
                byte[] bytes = new byte[(int) size[0]];
                clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(bytes)), null);
                return bytes;
            });
            if (binary == null) {
                return;
            }
            Files.createDirectories(path.getParent());
            // Whatever sits on the entry's name was found invalid; an empty folder or a link is removed here.
            Files.deleteIfExists(path);
            Path tmp = Files.createTempFile(path.getParent(), path.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, CachedBinary.encode(key, binary));
                moveAtomically(tmp, path);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | DeviceException e) {
            // The disk cache is an optimisation: a read-only or full disk must not stop training.
            LOG.log(Level.DEBUG, "kernel cache entry " + path + " not written: " + e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String diskKey(String source, String buildOptions) {
        List<String> parts = new ArrayList<>(List.of("format " + CachedBinary.FORMAT_VERSION, info.identity()));
        for (String name : CODEGEN_ENVIRONMENT) {
            parts.add(name + "=" + System.getenv().getOrDefault(name, ""));
        }
        parts.add(buildOptions);
        parts.add(source);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String part : parts) {
            bytes.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
        }
        return HexFormat.of().formatHex(CachedBinary.sha256(bytes.toByteArray()));
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
        Cl.call("releasing a program", info.name(), () -> clReleaseProgram(program));
    }

    private static void discard(Path path, String why) {
        LOG.log(Level.DEBUG, "kernel cache entry " + path + " discarded: " + why);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Not fatal: the entry is rebuilt in memory now, and store() tries to replace it.
            LOG.log(Level.DEBUG, "kernel cache entry " + path + " not deleted: " + e);
        }
    }

    @Override
    public synchronized void close() {
        Releaser releaser = new Releaser();
        kernels.values().forEach(k -> releaser.run(k::close));
        kernels.clear();
        programs.values().forEach(p -> releaser.run(() -> release(p)));
        programs.clear();
        releaser.throwIfFailed();
    }
}
