package dev.clnn.device;

import static org.jocl.CL.*;

import java.nio.file.Path;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.jocl.cl_queue_properties;

/**
 * One opened OpenCL device: its context, a single in-order queue, a buffer pool and a program cache. Work is
 * enqueued without waiting; the queue is drained only where the host reads a result ({@link #read}) or calls
 * {@link #finish}. Finding devices is the job of {@code ClPlatforms}; the static methods here are its public face.
 */
public final class ClDevice implements AutoCloseable {
    private final DeviceInfo info;
    private final cl_context context;
    private final cl_command_queue queue;
    private final BufferPool pool;
    private final ProgramCache programs;
    private volatile boolean closed;

    private ClDevice(DeviceInfo info, cl_device_id device, cl_platform_id platform) {
        this.info = info;
        Path cacheDir = KernelCacheSettings.directory(); // before the context, so a bad setting leaks nothing
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        this.context = Cl.call("creating a context", info.name(),
                () -> clCreateContext(props, 1, new cl_device_id[] {device}, null, null, null));
        try {
            this.queue = createQueue(context, device, info);
        } catch (RuntimeException e) {
            try {
                Cl.call("releasing the context", info.name(), () -> clReleaseContext(context));
            } catch (DeviceException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
        this.pool = new BufferPool(context, info);
        this.programs = new ProgramCache(context, device, queue, info, cacheDir);
    }

    /** True when at least one OpenCL device can be enumerated (a runtime and an ICD are installed). */
    public static boolean available() {
        return !list().isEmpty();
    }

    /**
     * Loads JOCL and the OpenCL ICD loader once. JOCL opens {@code libOpenCL.so} by that exact name, which Debian
     * ships in ocl-icd-opencl-dev (the runtime package has only libOpenCL.so.1).
     *
     * @return null when OpenCL calls can be made, else why not
     */
    public static String runtimeProblem() {
        return ClPlatforms.runtimeProblem();
    }

    /**
     * Every usable OpenCL device on every platform, in enumeration order; empty when there is no OpenCL runtime. A
     * platform or device that fails to answer is left out and named in {@link #problems()}. Safe to call from
     * several threads.
     */
    public static List<DeviceInfo> list() {
        return ClPlatforms.list();
    }

    /**
     * What went wrong while looking for devices: the runtime that could not load, or one line per platform or
     * device whose driver failed (naming it and the OpenCL status); empty when nothing did.
     */
    public static List<String> problems() {
        return ClPlatforms.problems();
    }

    /**
     * The device a selector names: {@code opencl} (first GPU, else first device), {@code opencl:P:D}, or a
     * case-insensitive substring of a device name.
     *
     * @throws IllegalArgumentException when nothing matches, listing what exists and what failed
     */
    public static DeviceInfo select(String selector) {
        return ClPlatforms.select(selector);
    }

    /**
     * Opens a context and queue on a listed device. Safe to call from several threads; contexts are created one at
     * a time.
     *
     * @throws IllegalArgumentException when {@code info} is not a device of this machine
     * @throws DeviceException          when the driver cannot create the context or queue
     */
    public static ClDevice open(DeviceInfo info) {
        return ClPlatforms.withHandles(info, (platform, device) -> new ClDevice(info, device, platform));
    }

    /**
     * Builds programs without {@code -w} and logs each non-empty build log at INFO (logger {@code dev.clnn}), or
     * back to the default: compiler warnings suppressed, so a driver's compiler (POCL's clang writes to the
     * process's stderr) stays out of the user's terminal. The system property {@code clnn.debug=true} turns it on
     * too. Applies to programs built after the call.
     */
    public static void setCompilerDiagnostics(boolean on) {
        ProgramCache.setDiagnostics(on);
    }

    public DeviceInfo info() {
        return info;
    }

    /** An uninitialised buffer from the pool. */
    public DeviceBuffer allocate(long bytes) {
        checkOpen();
        return pool.acquire(bytes);
    }

    /** The kernel {@code name} from kernels/{@code file} built with {@code options}, compiled once and cached. */
    public ClKernel kernel(String file, String name, String options) {
        checkOpen();
        return programs.kernel(file, name, options);
    }

    /** Builds (or loads from the disk cache) a whole program; used to check that every file compiles. */
    public void build(String file, String options) {
        checkOpen();
        programs.program(file, options);
    }

    /**
     * Starts building (or loading from the disk cache) these programs on a background thread and returns at once.
     * The files not asked for yet are compiled together as one program (the driver's cost per program dominates
     * for small files); a file that appears again with other options is built alone after it. A program asked for
     * later ({@link #kernel}, {@link #build}) waits for its build if it has started, or is built by the asking
     * thread if not; a build that fails throws the asking thread the same {@link KernelBuildException} as a build
     * of its own (a combined program that fails just falls back to one program per file). Builds not started when
     * the device closes are dropped. Call it as soon as the device is open, so the compiler's start-up overlaps
     * the caller's own.
     */
    public void prebuild(List<ProgramSpec> programs) {
        checkOpen();
        this.programs.prebuild(programs);
    }

    /** Blocking write of {@code src} to the start of {@code dst}. */
    public void write(DeviceBuffer dst, float[] src) {
        checkOpen();
        long bytes = (long) src.length * Sizeof.cl_float;
        checkLength(dst, bytes, "write");
        if (src.length > 0) {
            Cl.call("write of " + src.length + " floats", info.name(), () -> clEnqueueWriteBuffer(queue, dst.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(src), 0, null, null));
        }
    }

    /** Blocking write of {@code src} to the start of {@code dst}. */
    public void write(DeviceBuffer dst, int[] src) {
        checkOpen();
        long bytes = (long) src.length * Sizeof.cl_int;
        checkLength(dst, bytes, "write");
        if (src.length > 0) {
            Cl.call("write of " + src.length + " ints", info.name(), () -> clEnqueueWriteBuffer(queue, dst.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(src), 0, null, null));
        }
    }

    /** Blocking read: waits for all enqueued work that precedes it (the queue is in order). */
    public void read(DeviceBuffer src, float[] dst) {
        checkOpen();
        long bytes = (long) dst.length * Sizeof.cl_float;
        checkLength(src, bytes, "read");
        if (dst.length > 0) {
            Cl.call("read of " + dst.length + " floats", info.name(), () -> clEnqueueReadBuffer(queue, src.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(dst), 0, null, null));
        }
    }

    /** Blocking read: waits for all enqueued work that precedes it (the queue is in order). */
    public void read(DeviceBuffer src, int[] dst) {
        checkOpen();
        long bytes = (long) dst.length * Sizeof.cl_int;
        checkLength(src, bytes, "read");
        if (dst.length > 0) {
            Cl.call("read of " + dst.length + " ints", info.name(), () -> clEnqueueReadBuffer(queue, src.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(dst), 0, null, null));
        }
    }

    private static void checkLength(DeviceBuffer buffer, long bytes, String what) {
        if (bytes > buffer.bytes()) {
            throw new IllegalArgumentException(what + ": host array of " + bytes + " bytes does not fit the device "
                    + "buffer of " + buffer.bytes() + " bytes");
        }
    }

    /** Waits until every enqueued command has finished. */
    public void finish() {
        checkOpen();
        Cl.call("finishing queued work", info.name(), () -> clFinish(queue));
    }

    /** Bytes handed out by the pool and not yet closed. */
    public long liveBytes() {
        return pool.liveBytes();
    }

    /** Buffers handed out by the pool and not yet closed. */
    public long liveBuffers() {
        return pool.liveBuffers();
    }

    /** Releases the pool's cached (unused) buffers. */
    public void trimPool() {
        pool.trim();
    }

    /** Bytes the pool keeps for reuse (closed buffers not yet released). */
    public long cachedBytes() {
        return pool.cachedBytes();
    }

    /** Waits until the background has finished (or failed) every {@link #prebuild} asked for so far. */
    void awaitPrebuilds() throws InterruptedException {
        programs.awaitPrebuilds();
    }

    int sourceBuilds() {
        return programs.sourceBuilds();
    }

    int binaryLoads() {
        return programs.binaryLoads();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device " + info.name() + " is closed");
        }
    }

    /**
     * Waits for queued work and for a background build in progress, writes the binaries of programs built from
     * source to the disk cache, then releases the kernels, programs, buffers, queue and context. Every release is
     * attempted even when an earlier one fails; the first failure is then thrown.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Releaser releaser = new Releaser();
        releaser.run(() -> Cl.call("finishing queued work before close", info.name(), () -> clFinish(queue)));
        releaser.run(programs::close);
        releaser.run(pool::close);
        releaser.run(() -> Cl.call("releasing the command queue", info.name(), () -> clReleaseCommandQueue(queue)));
        releaser.run(() -> Cl.call("releasing the context", info.name(), () -> clReleaseContext(context)));
        releaser.throwIfFailed();
    }

    private static cl_command_queue createQueue(cl_context context, cl_device_id device, DeviceInfo info) {
        return Cl.call("creating the command queue", info.name(), () -> {
            // clCreateCommandQueueWithProperties exists from OpenCL 2.0; 1.x devices only have the older call.
            if (info.deviceVersion().startsWith("OpenCL 1.")) {
                @SuppressWarnings("deprecation")
                cl_command_queue q = clCreateCommandQueue(context, device, 0, null);
                return q;
            }
            return clCreateCommandQueueWithProperties(context, device, new cl_queue_properties(), null);
        });
    }
}
