package dev.clnn.device;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Device allocations reused by exact byte size: training allocates the same shapes every step, so after the first
 * step no clCreateBuffer is called. Counts live (handed out) and cached bytes for leak checks.
 */
final class BufferPool implements AutoCloseable {
    private final cl_context context;
    private final DeviceInfo info;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private long liveBytes;
    private long liveBuffers;
    private long cachedBytes;

    BufferPool(cl_context context, DeviceInfo info) {
        this.context = context;
        this.info = info;
    }

    synchronized DeviceBuffer acquire(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device buffer size must be positive, got " + bytes + " bytes");
        }
        if (bytes > info.maxAllocBytes()) {
            throw new DeviceException("cannot allocate " + bytes + " bytes on the device: the largest single "
                    + "allocation it allows (CL_DEVICE_MAX_MEM_ALLOC_SIZE) is " + info.maxAllocBytes() + " bytes");
        }
        ArrayDeque<cl_mem> cached = free.get(bytes);
        cl_mem mem = cached == null ? null : cached.poll();
        if (mem != null) {
            cachedBytes -= bytes;
        } else {
            reserve(bytes);
            mem = create(bytes);
        }
        liveBytes += bytes;
        liveBuffers++;
        return new DeviceBuffer(this, mem, bytes);
    }

    /**
     * Checks a new allocation against the device's global memory before asking the driver, since some drivers (POCL)
     * only fail later, at first use. Cached buffers are released first if they are what stands in the way.
     */
    private void reserve(long bytes) {
        long globalMemBytes = info.globalMemBytes();
        if (liveBytes + cachedBytes + bytes > globalMemBytes) {
            trim();
        }
        if (liveBytes + bytes > globalMemBytes) {
            throw new DeviceException("cannot allocate " + bytes + " bytes on the device: " + liveBytes + " of its "
                    + globalMemBytes + " bytes are in use, " + (globalMemBytes - liveBytes) + " available");
        }
    }

    private cl_mem create(long bytes) {
        try {
            return allocate(bytes);
        } catch (DeviceException first) {
            // Cached buffers may be what fills the device: drop them and try once more.
            trim();
            try {
                return allocate(bytes);
            } catch (DeviceException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private cl_mem allocate(long bytes) {
        return Cl.call(() -> "allocating " + bytes + " bytes (" + liveBytes + " of " + info.globalMemBytes()
                + " bytes in use by clnn)", info.name(), () -> clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null,
                        null));
    }

    synchronized void giveBack(cl_mem mem, long bytes) {
        liveBytes -= bytes;
        liveBuffers--;
        free.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(mem);
        cachedBytes += bytes;
    }

    /**
     * Releases every cached (not handed out) allocation. All are released even if one release fails; the cache is
     * empty afterwards either way.
     */
    synchronized void trim() {
        Releaser releaser = new Releaser();
        for (Map.Entry<Long, ArrayDeque<cl_mem>> sized : free.entrySet()) {
            for (cl_mem mem : sized.getValue()) {
                releaser.run(() -> Cl.call("releasing a cached buffer of " + sized.getKey() + " bytes", info.name(),
                        () -> clReleaseMemObject(mem)));
            }
        }
        free.clear();
        cachedBytes = 0;
        releaser.throwIfFailed();
    }

    synchronized long liveBytes() {
        return liveBytes;
    }

    synchronized long liveBuffers() {
        return liveBuffers;
    }

    synchronized long cachedBytes() {
        return cachedBytes;
    }

    @Override
    public void close() {
        trim();
    }
}
