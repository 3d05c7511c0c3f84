package dev.clnn.device;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_buffer_region;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_platform_id;
import org.jocl.cl_queue_properties;

/**
 * One opened OpenCL device: its context, a single in-order queue, a buffer pool and a program cache. Work is
 * enqueued without waiting; the queue is drained only where the host reads a result ({@link #read}) or calls
 * {@link #finish}. Finding devices is the job of {@code ClPlatforms}; the static methods here are its public face.
 *
 * <p>A device opened with {@link #openProfiled} times every kernel launch with an OpenCL profiling event
 * ({@link #takeKernelTimes}). One opened with {@link #open} has no profiling property on its queue and creates no
 * events, since profiling can slow some drivers down; the choice is made once, when the queue is created.
 */
public final class ClDevice implements AutoCloseable {
    /**
     * Profiling events a device keeps before it waits for the oldest half and folds their times into its totals:
     * bounds the native memory of a profiled run that reads its times rarely, without losing any time.
     */
    public static final int MAX_PENDING_EVENTS = 1024;
    /** The name a profile gives {@link #fill}'s work, which no kernel runs. */
    public static final String FILL_NAME = "(fill buffer)";

    private final DeviceInfo info;
    private final cl_device_id device;
    private final cl_context context; // this device's reference to it, released at close
    private final SharedContext shared; // the same object for every ClDevice of one context
    private final cl_command_queue queue;
    private final BufferPool pool;
    private final ProgramCache programs;
    private final EventLog events; // null unless opened with profiling
    private final boolean hostUnifiedMemory;
    private final long subBufferAlignment; // bytes
    private volatile boolean closed;

    /**
     * Takes over one reference to {@code context} (a context with {@code device} among its devices): released when
     * the device closes, or here when opening fails.
     */
    private ClDevice(DeviceInfo info, cl_device_id device, cl_context context, SharedContext shared,
            boolean profiling) {
        this.info = info;
        this.device = device;
        this.context = context;
        this.shared = shared;
        try {
            this.queue = createQueue(context, device, info, profiling);
        } catch (RuntimeException e) {
            try {
                releaseContext(context, info);
            } catch (DeviceException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
        this.pool = new BufferPool(context, info);
        this.programs = new ProgramCache(context, device, queue, info, KernelCacheSettings.directory());
        this.events = profiling ? new EventLog(info.name()) : null;
        this.hostUnifiedMemory = hostUnifiedMemory(device, info);
        this.subBufferAlignment = baseAddressAlignment(device, info);
    }

    /** A context of its own for one device. */
    private static ClDevice openAlone(DeviceInfo info, cl_device_id device, cl_platform_id platform,
            boolean profiling) {
        KernelCacheSettings.directory(); // before the context, so a bad setting leaks nothing
        cl_context context = createContext(platform, new cl_device_id[] {device}, info.name());
        return new ClDevice(info, device, context, new SharedContext(), profiling);
    }

    private static cl_context createContext(cl_platform_id platform, cl_device_id[] devices, String name) {
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        return Cl.call("creating a context", name, () -> CompilerLock.createContext(
                () -> clCreateContext(props, devices.length, devices, null, null, null)));
    }

    private static void releaseContext(cl_context context, DeviceInfo info) {
        Cl.call("releasing the context", info.name(), () -> CompilerLock.releaseContext(() -> clReleaseContext(context)));
    }

    /** One more reference to a context, for another {@link ClDevice} in it (counted as one more context open). */
    private static void retainContext(cl_context context, DeviceInfo info) {
        Cl.call("retaining the context", info.name(), () -> CompilerLock.createContext(() -> clRetainContext(context)));
    }

    /** CL_DEVICE_MEM_BASE_ADDR_ALIGN in bytes (the device gives bits), at least a float's. */
    private static long baseAddressAlignment(cl_device_id device, DeviceInfo info) {
        int[] bits = new int[1];
        Cl.call("asking for CL_DEVICE_MEM_BASE_ADDR_ALIGN", info.name(), () -> clGetDeviceInfo(device,
                CL_DEVICE_MEM_BASE_ADDR_ALIGN, Sizeof.cl_uint, Pointer.to(bits), null));
        return Math.max(Float.BYTES, bits[0] / 8);
    }

    @SuppressWarnings("deprecation") // CL_DEVICE_HOST_UNIFIED_MEMORY: deprecated in OpenCL 2.0, still answered
    private static boolean hostUnifiedMemory(cl_device_id device, DeviceInfo info) {
        int[] unified = new int[1];
        try {
            Cl.call("asking for CL_DEVICE_HOST_UNIFIED_MEMORY", info.name(), () -> clGetDeviceInfo(device,
                    CL_DEVICE_HOST_UNIFIED_MEMORY, Sizeof.cl_int, Pointer.to(unified), null));
        } catch (DeviceException e) {
            return false; // a device that does not say is treated as one with memory of its own
        }
        return unified[0] != 0;
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

    /** What a user can do about a platform that failed ({@link #problems()}): one sentence, the same for all. */
    public static String afterProblem() {
        return PlatformHints.afterFailure();
    }

    /**
     * One line per platform that answered but lists no device (Mesa's rusticl without RUSTICL_ENABLE, Clover
     * without an AMD GPU), saying what would make it list one. Such a platform harms nothing.
     */
    public static List<String> platformsWithoutDevices() {
        return ClPlatforms.emptyPlatforms().stream().map(e -> PlatformHints.whyEmpty(e.index(), e.name())).toList();
    }

    /**
     * The version of JOCL on the class path, from its Maven metadata (there both in target/classes' dependencies and
     * in the shaded jar), or why it is unknown: what {@code clnn --version} prints for the OpenCL binding.
     */
    public static String joclVersion() {
        String resource = "/META-INF/maven/org.jocl/jocl/pom.properties";
        try (InputStream in = ClDevice.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown (" + resource + " is not on the class path)";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            return v.isBlank() ? "unknown (" + resource + " has no version)" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
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
        return ClPlatforms.withHandles(info, (platform, device) -> openAlone(info, device, platform, false));
    }

    /**
     * As {@link #open}, with profiling: the queue has {@code CL_QUEUE_PROFILING_ENABLE} and every launch made
     * through {@link #launch} records an event, read by {@link #takeKernelTimes}.
     */
    public static ClDevice openProfiled(DeviceInfo info) {
        return ClPlatforms.withHandles(info, (platform, device) -> openAlone(info, device, platform, true));
    }

    /**
     * Opens devices of one platform in a single context, one {@link ClDevice} each in the given order: each has its
     * own queue, buffer pool and program cache (programs built for its device alone), as {@link #open} gives it,
     * but their buffers and events belong to one context, so that a kernel on one device may read a buffer another
     * wrote and a queue may wait for another device's event ({@link #waitFor}). A device may appear more than once
     * (one queue each). Each keeps its own reference to the context: they close in any order.
     *
     * @param profiling whether every queue times its launches, as {@link #openProfiled}
     * @throws IllegalArgumentException when {@code infos} is empty, or its devices are not all of one platform
     * @throws DeviceException          when the driver cannot create the context or a queue
     */
    public static List<ClDevice> openShared(List<DeviceInfo> infos, boolean profiling) {
        if (infos.isEmpty()) {
            throw new IllegalArgumentException("a shared context needs at least one device");
        }
        for (DeviceInfo i : infos) {
            if (i.platformIndex() != infos.get(0).platformIndex()) {
                throw new IllegalArgumentException("one context holds devices of one platform: " + i.selector()
                        + " is not on platform " + infos.get(0).platformIndex() + " like " + infos.get(0).selector());
            }
        }
        KernelCacheSettings.directory(); // before the context, so a bad setting leaks nothing
        cl_platform_id[] platform = new cl_platform_id[1];
        cl_device_id[] ids = new cl_device_id[infos.size()];
        for (int d = 0; d < ids.length; d++) {
            int index = d;
            ClPlatforms.withHandles(infos.get(d), (p, id) -> {
                platform[0] = p;
                ids[index] = id;
                return null;
            });
        }
        List<cl_device_id> distinct = new ArrayList<>();
        for (cl_device_id id : ids) {
            if (!distinct.contains(id)) {
                distinct.add(id);
            }
        }
        String names = String.join(", ", infos.stream().map(DeviceInfo::name).toList());
        cl_context context = createContext(platform[0], distinct.toArray(new cl_device_id[0]), names);
        SharedContext shared = new SharedContext();
        List<ClDevice> opened = new ArrayList<>();
        try {
            for (int d = 0; d < ids.length; d++) {
                retainContext(context, infos.get(d));
                opened.add(new ClDevice(infos.get(d), ids[d], context, shared, profiling));
            }
        } catch (RuntimeException e) {
            for (ClDevice c : opened) {
                try {
                    c.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        } finally {
            releaseContext(context, infos.get(0)); // the creation's reference: each device holds its own
        }
        return opened;
    }

    /**
     * A second {@link ClDevice} on this device and in this context: a queue, buffer pool and program cache of its
     * own, without profiling, for work that runs beside this queue's and waits for it through events (the
     * all-reduce's sums). Closes independently of this one.
     */
    public ClDevice openSecondQueue() {
        checkOpen();
        retainContext(context, info);
        return new ClDevice(info, device, context, shared, false);
    }

    /** Whether this device and {@code other} are in one context: their buffers and events may be used by both. */
    public boolean sharesContextWith(ClDevice other) {
        return shared == other.shared;
    }

    /**
     * Enqueues a marker that completes once every command enqueued before it has, and returns at once: the event
     * another queue of this context can {@link #waitFor}. The caller closes it.
     */
    public DeviceEvent marker() {
        checkOpen();
        cl_event event = new cl_event();
        Cl.call("enqueueing a marker", info.name(), () -> clEnqueueMarkerWithWaitList(queue, 0, null, event));
        return new DeviceEvent(event, shared, info.name());
    }

    /**
     * Enqueues a barrier: the commands enqueued after it start once {@code events} (of this context) have
     * completed. Returns at once; the events may be closed right after.
     *
     * @throws IllegalArgumentException when an event belongs to another context
     */
    public void waitFor(List<DeviceEvent> events) {
        checkOpen();
        if (events.isEmpty()) {
            return;
        }
        cl_event[] handles = new cl_event[events.size()];
        for (int i = 0; i < handles.length; i++) {
            if (events.get(i).context() != shared) {
                throw new IllegalArgumentException("device " + info.name() + " cannot wait for an event of another"
                        + " context");
            }
            handles[i] = events.get(i).handle();
        }
        Cl.call("enqueueing a barrier on " + handles.length + " events", info.name(),
                () -> clEnqueueBarrierWithWaitList(queue, handles.length, handles, null));
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

    /**
     * Enqueues {@code kernel} without waiting, as {@link ClKernel#launch}; on a profiled device its event is kept
     * under {@code op} for {@link #takeKernelTimes}.
     *
     * @param op the op-level name the launch belongs to, e.g. {@code gemm}; ignored without profiling
     */
    public void launch(ClKernel kernel, String op, long[] global, long[] local, Object... args) {
        checkOpen();
        if (events == null) {
            kernel.launch(global, local, args);
            return;
        }
        cl_event event = new cl_event();
        kernel.launch(global, local, event, args);
        events.add(op, kernel.name(), event);
    }

    /** Whether the device was opened with {@link #openProfiled}. */
    public boolean profiling() {
        return events != null;
    }

    /**
     * The device time of every kernel launched since the last call (or the opening), per op and kernel in the
     * order they first ran. Waits for queued work, then reads and releases every pending event.
     *
     * @throws IllegalStateException when the device was not opened with profiling
     */
    public List<KernelTime> takeKernelTimes() {
        checkOpen();
        if (events == null) {
            throw new IllegalStateException("device " + info.name() + " was opened without profiling; open it with"
                    + " ClDevice.openProfiled to time kernels");
        }
        finish();
        return events.take();
    }

    /** Profiling events created since the device was opened: always 0 without profiling. */
    public long eventsCreated() {
        return events == null ? 0 : events.created();
    }

    /** Profiling events created and not yet read and released (at most a bounded backlog between reads). */
    public int pendingEvents() {
        return events == null ? 0 : events.pending();
    }

    /** Whether the driver reports {@code CL_QUEUE_PROFILING_ENABLE} on this device's queue. */
    public boolean queueProfilingEnabled() {
        checkOpen();
        long[] properties = new long[1];
        Cl.call("reading the command queue's properties", info.name(), () -> clGetCommandQueueInfo(queue,
                CL_QUEUE_PROPERTIES, Sizeof.cl_ulong, Pointer.to(properties), null));
        return (properties[0] & CL_QUEUE_PROFILING_ENABLE) != 0;
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

    /**
     * Enqueues, without waiting, a fill of the first {@code count} 32-bit words of {@code dst} with {@code bits}
     * (a float's raw bits or an int). Through {@code clEnqueueFillBuffer} rather than a kernel: POCL's CPU drivers
     * fill memory without generating code, where a fill kernel cost a code generation (~0.1 s) in every cold first
     * step. On a profiled device the fill's event is kept under {@code op} as the kernel {@link #FILL_NAME}.
     */
    public void fill(DeviceBuffer dst, long count, int bits, String op) {
        checkOpen();
        long bytes = count * Sizeof.cl_int;
        checkLength(dst, bytes, "fill");
        if (count == 0) {
            return;
        }
        int[] pattern = {bits};
        cl_event event = events == null ? null : new cl_event();
        Cl.call(() -> "fill of " + count + " words", info.name(), () -> clEnqueueFillBuffer(queue, dst.mem(),
                Pointer.to(pattern), Sizeof.cl_int, 0, bytes, 0, null, event));
        if (event != null) {
            events.add(op, FILL_NAME, event);
        }
    }

    /** Blocking write of {@code src} to the start of {@code dst}. */
    public void write(DeviceBuffer dst, float[] src) {
        checkOpen();
        long bytes = (long) src.length * Sizeof.cl_float;
        checkLength(dst, bytes, "write");
        if (src.length > 0) {
            Cl.call(() -> "write of " + src.length + " floats", info.name(), () -> clEnqueueWriteBuffer(queue, dst.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(src), 0, null, null));
        }
    }

    /** Blocking write of {@code src} to the start of {@code dst}. */
    public void write(DeviceBuffer dst, int[] src) {
        checkOpen();
        long bytes = (long) src.length * Sizeof.cl_int;
        checkLength(dst, bytes, "write");
        if (src.length > 0) {
            Cl.call(() -> "write of " + src.length + " ints", info.name(), () -> clEnqueueWriteBuffer(queue, dst.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(src), 0, null, null));
        }
    }

    /** Blocking read: waits for all enqueued work that precedes it (the queue is in order). */
    public void read(DeviceBuffer src, float[] dst) {
        checkOpen();
        long bytes = (long) dst.length * Sizeof.cl_float;
        checkLength(src, bytes, "read");
        if (dst.length > 0) {
            Cl.call(() -> "read of " + dst.length + " floats", info.name(), () -> clEnqueueReadBuffer(queue, src.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(dst), 0, null, null));
        }
    }

    /** Blocking read: waits for all enqueued work that precedes it (the queue is in order). */
    public void read(DeviceBuffer src, int[] dst) {
        checkOpen();
        long bytes = (long) dst.length * Sizeof.cl_int;
        checkLength(src, bytes, "read");
        if (dst.length > 0) {
            Cl.call(() -> "read of " + dst.length + " ints", info.name(), () -> clEnqueueReadBuffer(queue, src.mem(),
                    CL_TRUE, 0, bytes, Pointer.to(dst), 0, null, null));
        }
    }

    private static void checkLength(DeviceBuffer buffer, long bytes, String what) {
        if (bytes > buffer.bytes()) {
            throw new IllegalArgumentException(what + ": host array of " + bytes + " bytes does not fit the device "
                    + "buffer of " + buffer.bytes() + " bytes");
        }
    }

    /**
     * Whether the device shares the host's memory (CL_DEVICE_HOST_UNIFIED_MEMORY, e.g. CPU devices): then
     * {@link #map} hands out the buffer's own memory rather than a copy.
     */
    public boolean hostUnifiedMemory() {
        return hostUnifiedMemory;
    }

    /**
     * Enqueues a map of the whole of {@code buffer} for reading and writing, after the work enqueued before it,
     * without waiting: the memory is the host's (or, through {@link #aliasHostMemory}, another context's) once
     * {@link #finish} has returned, until {@link #unmap}. Several maps then cost one wait.
     */
    public ByteBuffer map(DeviceBuffer buffer) {
        return map(buffer, CL_MAP_READ | CL_MAP_WRITE);
    }

    /** As {@link #map}, for reading only: makes the host's copy of the memory current, and its unmap copies nothing. */
    public ByteBuffer mapForReading(DeviceBuffer buffer) {
        return map(buffer, CL_MAP_READ);
    }

    private ByteBuffer map(DeviceBuffer buffer, long flags) {
        checkOpen();
        return Cl.call(() -> "mapping a buffer of " + buffer.bytes() + " bytes", info.name(),
                () -> clEnqueueMapBuffer(queue, buffer.mem(), CL_FALSE, flags, 0, buffer.bytes(), 0, null, null,
                        null));
    }

    /**
     * Enqueues a map of bytes [offset, offset + bytes) of {@code buffer} for reading and writing, after the work
     * enqueued before it, and returns at once: the memory is the host's after {@link PendingMap#await}, until
     * {@link #unmap}. The device meanwhile runs what is queued after the map; on a device that shares the host's
     * memory the map copies nothing, and kernels may go on writing the buffer's other bytes.
     */
    public PendingMap mapAsync(DeviceBuffer buffer, long offset, long bytes) {
        checkOpen();
        if (offset < 0 || bytes <= 0 || offset + bytes > buffer.bytes()) {
            throw new IllegalArgumentException("mapping bytes " + offset + " to " + (offset + bytes) + " of a buffer of "
                    + buffer.bytes() + " bytes");
        }
        cl_event event = new cl_event();
        ByteBuffer memory = Cl.call(() -> "mapping " + bytes + " bytes of a buffer of " + buffer.bytes() + " bytes",
                info.name(), () -> clEnqueueMapBuffer(queue, buffer.mem(), CL_FALSE, CL_MAP_READ | CL_MAP_WRITE,
                        offset, bytes, 0, null, event, null));
        return new PendingMap(memory, offset, event, info.name());
    }

    /** Ends a {@link #map}: the device sees what was written to {@code mapped}. Enqueued, not waited for. */
    public void unmap(DeviceBuffer buffer, ByteBuffer mapped) {
        checkOpen();
        Cl.call(() -> "unmapping a buffer of " + buffer.bytes() + " bytes", info.name(),
                () -> clEnqueueUnmapMemObject(queue, buffer.mem(), mapped, 0, null, null));
    }

    /**
     * A buffer of this context over host memory that is not its own ({@code CL_MEM_USE_HOST_PTR}), e.g. another
     * device's buffer mapped by {@link #map}: kernels of this device then read and write that memory in place
     * where the device shares the host's memory. Not pooled: closing releases it. Before the memory's owner uses it
     * again, {@link #map} and {@link #unmap} the alias here, which makes the host memory current on any
     * implementation.
     */
    public DeviceBuffer aliasHostMemory(ByteBuffer memory) {
        checkOpen();
        long bytes = memory.capacity();
        return DeviceBuffer.unpooled(Cl.call(() -> "creating a buffer over " + bytes + " bytes of host memory",
                info.name(), () -> clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, bytes,
                        Pointer.to(memory), null)), bytes, info.name());
    }

    /**
     * A buffer of {@code bytes} outside the pool, to be cut into {@link #subBuffer sub-buffers}: closing releases
     * it (its sub-buffers keep the memory until they are closed too).
     */
    public DeviceBuffer unpooledBuffer(long bytes) {
        checkOpen();
        return DeviceBuffer.unpooled(Cl.call(() -> "allocating a buffer of " + bytes + " bytes", info.name(),
                () -> clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null)), bytes, info.name());
    }

    /**
     * The bytes [offset, offset + bytes) of {@code parent} as a buffer of their own, sharing its memory; offset must
     * be a multiple of {@link #subBufferAlignment}. Closing releases the sub-buffer only.
     */
    public DeviceBuffer subBuffer(DeviceBuffer parent, long offset, long bytes) {
        checkOpen();
        return DeviceBuffer.unpooled(Cl.call(() -> "cutting bytes " + offset + " to " + (offset + bytes)
                + " out of a buffer of " + parent.bytes(), info.name(), () -> clCreateSubBuffer(parent.mem(),
                        CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, new cl_buffer_region(offset, bytes), null)),
                bytes, info.name());
    }

    /** The alignment in bytes of a {@link #subBuffer}'s offset (CL_DEVICE_MEM_BASE_ADDR_ALIGN, given in bits). */
    public long subBufferAlignment() {
        return subBufferAlignment;
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
        if (events != null) {
            releaser.run(events::close);
        }
        releaser.run(programs::close);
        releaser.run(pool::close);
        releaser.run(() -> Cl.call("releasing the command queue", info.name(), () -> clReleaseCommandQueue(queue)));
        releaser.run(() -> releaseContext(context, info));
        releaser.throwIfFailed();
    }

    private static cl_command_queue createQueue(cl_context context, cl_device_id device, DeviceInfo info,
            boolean profiling) {
        long flags = profiling ? CL_QUEUE_PROFILING_ENABLE : 0;
        return Cl.call("creating the command queue" + (profiling ? " with profiling" : ""), info.name(), () -> {
            // clCreateCommandQueueWithProperties exists from OpenCL 2.0; 1.x devices only have the older call.
            if (info.deviceVersion().startsWith("OpenCL 1.")) {
                @SuppressWarnings("deprecation")
                cl_command_queue q = clCreateCommandQueue(context, device, flags, null);
                return q;
            }
            cl_queue_properties properties = new cl_queue_properties();
            if (profiling) {
                properties.addProperty(CL_QUEUE_PROPERTIES, flags);
            }
            return clCreateCommandQueueWithProperties(context, device, properties, null);
        });
    }

    /** Identifies one context across the {@link ClDevice}s in it (JOCL's handles give no identity of their own). */
    static final class SharedContext {
    }
}
