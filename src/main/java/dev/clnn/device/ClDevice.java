package dev.clnn.device;

import static org.jocl.CL.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.jocl.cl_queue_properties;

/**
 * One OpenCL device with its context, a single in-order queue, a buffer pool and a program cache. Work is enqueued
 * without waiting; the queue is drained only where the host reads a result ({@link #read}) or calls {@link #finish}.
 */
public final class ClDevice implements AutoCloseable {
    /** Why OpenCL cannot be used here, or null once the runtime has loaded; computed on first use. */
    private static String runtimeProblem;
    private static boolean runtimeChecked;

    private final DeviceInfo info;
    private final cl_context context;
    private final cl_command_queue queue;
    private final BufferPool pool;
    private final ProgramCache programs;
    private boolean closed;

    private ClDevice(DeviceInfo info, cl_device_id device, cl_platform_id platform) {
        this.info = info;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        this.context = clCreateContext(props, 1, new cl_device_id[] {device}, null, null, null);
        this.queue = createQueue(context, device, info);
        this.pool = new BufferPool(context, info.maxAllocBytes(), info.globalMemBytes());
        this.programs = new ProgramCache(context, device, queue, info, KernelCacheSettings.directory());
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
    public static synchronized String runtimeProblem() {
        if (!runtimeChecked) {
            runtimeChecked = true;
            try {
                CL.setExceptionsEnabled(true);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                runtimeProblem = "the OpenCL library libOpenCL.so could not be loaded (" + e.getMessage()
                        + "); install an ICD loader and driver, e.g. ocl-icd-opencl-dev and pocl-opencl-icd";
            }
        }
        return runtimeProblem;
    }

    /** Every OpenCL device on every platform, in enumeration order; empty when there is no OpenCL runtime. */
    public static List<DeviceInfo> list() {
        if (runtimeProblem() != null) {
            return List.of();
        }
        List<DeviceInfo> out = new ArrayList<>();
        try {
            cl_platform_id[] platforms = platforms();
            for (int p = 0; p < platforms.length; p++) {
                cl_device_id[] devices = devices(platforms[p]);
                for (int d = 0; d < devices.length; d++) {
                    out.add(describe(p, d, platforms[p], devices[d]));
                }
            }
        } catch (CLException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            // No ICD loader, no platform, or JOCL's native library cannot load: no OpenCL here.
            return List.of();
        }
        return out;
    }

    /**
     * The device a selector names: {@code opencl} (first GPU, else first device), {@code opencl:P:D}, or a
     * case-insensitive substring of a device name.
     *
     * @throws IllegalArgumentException when nothing matches, listing what exists
     */
    public static DeviceInfo select(String selector) {
        List<DeviceInfo> all = list();
        if (all.isEmpty()) {
            String why = runtimeProblem() != null ? runtimeProblem() : "no OpenCL platform or device is installed";
            throw new IllegalArgumentException("device \"" + selector + "\" was requested but " + why
                    + " (install an OpenCL driver, e.g. pocl-opencl-icd, or use --device cpu)");
        }
        String s = selector.trim().toLowerCase(Locale.ROOT);
        if (s.equals("opencl")) {
            return all.stream().filter(DeviceInfo::gpu).findFirst().orElse(all.get(0));
        }
        if (s.startsWith("opencl:")) {
            String[] parts = s.split(":");
            if (parts.length == 3) {
                try {
                    int p = Integer.parseInt(parts[1]);
                    int d = Integer.parseInt(parts[2]);
                    for (DeviceInfo info : all) {
                        if (info.platformIndex() == p && info.deviceIndex() == d) {
                            return info;
                        }
                    }
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
            }
            throw new IllegalArgumentException("no OpenCL device \"" + selector + "\"; available: " + names(all));
        }
        for (DeviceInfo info : all) {
            if (info.name().toLowerCase(Locale.ROOT).contains(s)) {
                return info;
            }
        }
        throw new IllegalArgumentException("no device matches \"" + selector + "\"; available: cpu, " + names(all));
    }

    private static String names(List<DeviceInfo> all) {
        List<String> names = new ArrayList<>();
        for (DeviceInfo info : all) {
            names.add(info.selector() + " = " + info.name());
        }
        return String.join(", ", names);
    }

    /** Opens a context and queue on the device. */
    public static ClDevice open(DeviceInfo info) {
        if (runtimeProblem() != null) {
            throw new IllegalStateException(runtimeProblem());
        }
        cl_platform_id platform = platforms()[info.platformIndex()];
        cl_device_id device = devices(platform)[info.deviceIndex()];
        return new ClDevice(info, device, platform);
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

    public void write(DeviceBuffer dst, float[] src) {
        checkOpen();
        checkLength(dst, (long) src.length * Sizeof.cl_float, "write");
        if (src.length > 0) {
            guard("write of " + src.length + " elements", () -> clEnqueueWriteBuffer(queue, dst.mem(), CL_TRUE, 0, (long) src.length * Sizeof.cl_float,
                    Pointer.to(src), 0, null, null));
        }
    }

    public void write(DeviceBuffer dst, int[] src) {
        checkOpen();
        checkLength(dst, (long) src.length * Sizeof.cl_int, "write");
        if (src.length > 0) {
            guard("write of " + src.length + " elements", () -> clEnqueueWriteBuffer(queue, dst.mem(), CL_TRUE, 0, (long) src.length * Sizeof.cl_int, Pointer.to(src),
                    0, null, null));
        }
    }

    /** Blocking read: waits for all enqueued work that precedes it (the queue is in order). */
    public void read(DeviceBuffer src, float[] dst) {
        checkOpen();
        checkLength(src, (long) dst.length * Sizeof.cl_float, "read");
        if (dst.length > 0) {
            guard("read of " + dst.length + " elements", () -> clEnqueueReadBuffer(queue, src.mem(), CL_TRUE, 0, (long) dst.length * Sizeof.cl_float,
                    Pointer.to(dst), 0, null, null));
        }
    }

    public void read(DeviceBuffer src, int[] dst) {
        checkOpen();
        checkLength(src, (long) dst.length * Sizeof.cl_int, "read");
        if (dst.length > 0) {
            guard("read of " + dst.length + " elements", () -> clEnqueueReadBuffer(queue, src.mem(), CL_TRUE, 0, (long) dst.length * Sizeof.cl_int, Pointer.to(dst),
                    0, null, null));
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
        guard("finish", () -> clFinish(queue));
    }

    /** Runs an OpenCL call, turning its CLException into a DeviceException that names what was being done. */
    private void guard(String what, Runnable call) {
        try {
            call.run();
        } catch (CLException e) {
            throw new DeviceException(what + " on " + info.name() + " failed: " + ClStatus.name(e.getStatus()),
                    e.getStatus(), e);
        }
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

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clFinish(queue);
        programs.close();
        pool.close();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    private static cl_command_queue createQueue(cl_context context, cl_device_id device, DeviceInfo info) {
        // clCreateCommandQueueWithProperties exists from OpenCL 2.0; 1.x devices only have the older call.
        if (info.deviceVersion().startsWith("OpenCL 1.")) {
            @SuppressWarnings("deprecation")
            cl_command_queue q = clCreateCommandQueue(context, device, 0, null);
            return q;
        }
        return clCreateCommandQueueWithProperties(context, device, new cl_queue_properties(), null);
    }

    private static cl_platform_id[] platforms() {
        int[] count = new int[1];
        clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        return platforms;
    }

    private static cl_device_id[] devices(cl_platform_id platform) {
        int[] count = new int[1];
        try {
            clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, count);
        } catch (CLException e) {
            if (e.getStatus() == CL_DEVICE_NOT_FOUND) {
                return new cl_device_id[0];
            }
            throw e;
        }
        cl_device_id[] devices = new cl_device_id[count[0]];
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
        return devices;
    }

    private static DeviceInfo describe(int p, int d, cl_platform_id platform, cl_device_id device) {
        long type = longInfo(device, CL_DEVICE_TYPE);
        List<String> extensions = List.of(deviceString(device, CL_DEVICE_EXTENSIONS).split("\\s+"));
        return new DeviceInfo(p, d, platformString(platform, CL_PLATFORM_NAME),
                deviceString(device, CL_DEVICE_NAME), deviceString(device, CL_DEVICE_VENDOR),
                deviceString(device, CL_DRIVER_VERSION), deviceString(device, CL_DEVICE_VERSION),
                (type & CL_DEVICE_TYPE_GPU) != 0, intInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                longInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE), longInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                longInfo(device, CL_DEVICE_LOCAL_MEM_SIZE), sizeInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                doubleFpConfig(device) != 0 || extensions.contains("cl_khr_fp64"),
                extensions.contains("cl_khr_fp16"), intInfo(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT));
    }

    /** CL_DEVICE_DOUBLE_FP_CONFIG, or 0 where an OpenCL 1.0/1.1 driver without fp64 rejects the query. */
    private static long doubleFpConfig(cl_device_id device) {
        try {
            return longInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG);
        } catch (CLException e) {
            return 0;
        }
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(device, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetDeviceInfo(device, param, buffer.length, Pointer.to(buffer), null);
        return new String(buffer, 0, Math.max(0, buffer.length - 1)).trim();
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(platform, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null);
        return new String(buffer, 0, Math.max(0, buffer.length - 1)).trim();
    }

    private static long longInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.cl_long, Pointer.to(value), null);
        return value[0];
    }

    private static int intInfo(cl_device_id device, int param) {
        int[] value = new int[1];
        clGetDeviceInfo(device, param, Sizeof.cl_int, Pointer.to(value), null);
        return value[0];
    }

    private static long sizeInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null);
        return value[0];
    }
}
