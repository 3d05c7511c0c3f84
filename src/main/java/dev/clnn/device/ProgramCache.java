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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * Programs built from the classpath kernels, once per (file, build options) for this device and context, and
 * kept as program binaries on disk so a later process skips the compiler. The disk key hashes the cache format
 * version, the device identity (platform, name, driver, version), the options and the full source, so any change
 * to one of them builds afresh.
 */
final class ProgramCache implements AutoCloseable {
    /** Bump when the layout of cached files changes. */
    static final int FORMAT_VERSION = 1;

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

    synchronized ClKernel kernel(String file, String name, String options) {
        String key = file + '\0' + options + '\0' + name;
        ClKernel kernel = kernels.get(key);
        if (kernel == null) {
            cl_program program = program(file, options);
            try {
                kernel = new ClKernel(clCreateKernel(program, name, null), queue, name);
            } catch (CLException e) {
                throw new DeviceException("kernel " + name + " not found in kernels/" + file + " (options \""
                        + options + "\"): " + ClStatus.name(e.getStatus()), e.getStatus(), e);
            }
            kernels.put(key, kernel);
        }
        return kernel;
    }

    synchronized cl_program program(String file, String options) {
        String key = file + '\0' + options;
        cl_program program = programs.get(key);
        if (program == null) {
            program = load(file, options);
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

    private cl_program load(String file, String options) {
        String source = KernelSource.program(file);
        Path cached = diskDir == null ? null : diskDir.resolve(diskKey(source, options) + ".bin");
        if (cached != null && Files.isRegularFile(cached)) {
            cl_program program = fromBinary(cached, options);
            if (program != null) {
                binaryLoads++;
                return program;
            }
        }
        cl_program program = fromSource(file, source, options);
        sourceBuilds++;
        if (cached != null) {
            store(program, cached);
        }
        return program;
    }

    private cl_program fromSource(String file, String source, String options) {
        cl_program program = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        try {
            clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program);
            clReleaseProgram(program);
            throw new KernelBuildException(file, options, info.name(), log, e.getStatus());
        }
        return program;
    }

    /** A program from a cached binary, or null when the binary is stale or unreadable (then it is deleted). */
    private cl_program fromBinary(Path path, String options) {
        cl_program program = null;
        try {
            byte[] binary = Files.readAllBytes(path);
            int[] status = new int[1];
            program = clCreateProgramWithBinary(context, 1, new cl_device_id[] {device},
                    new long[] {binary.length}, new byte[][] {binary}, status, null);
            clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
            return program;
        } catch (IOException | CLException e) {
            if (program != null) {
                clReleaseProgram(program);
            }
            deleteQuietly(path);
            return null;
        }
    }

    private void store(cl_program program, Path path) {
        try {
            long[] size = new long[1];
            clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
            if (size[0] <= 0) {
                return;
            }
            byte[] binary = new byte[(int) size[0]];
            clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(binary)), null);
            Files.createDirectories(path.getParent());
            Path tmp = Files.createTempFile(path.getParent(), path.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, binary);
                moveAtomically(tmp, path);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | CLException e) {
            // The disk cache is an optimisation: a read-only or full disk must not stop training.
            System.getLogger("dev.clnn").log(System.Logger.Level.DEBUG, "kernel cache not written: " + e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String diskKey(String source, String options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {"format " + FORMAT_VERSION, info.identity(), options, source}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private String buildLog(cl_program program) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            return new String(log, StandardCharsets.UTF_8).trim();
        } catch (CLException e) {
            return "(build log unavailable: " + ClStatus.name(e.getStatus()) + ")";
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A stale entry that cannot be deleted is rebuilt and overwritten next time.
        }
    }

    @Override
    public synchronized void close() {
        kernels.values().forEach(ClKernel::close);
        kernels.clear();
        programs.values().forEach(p -> clReleaseProgram(p));
        programs.clear();
    }
}
