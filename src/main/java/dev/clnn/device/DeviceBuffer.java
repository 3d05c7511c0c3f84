package dev.clnn.device;

import static org.jocl.CL.clReleaseMemObject;

import org.jocl.cl_mem;

/**
 * A device allocation of {@link #bytes()} bytes. Closing it returns the memory to its pool for reuse (a buffer over
 * host memory, {@link ClDevice#aliasHostMemory}, is released instead); the contents
 * are not initialised (POCL does not zero), so every user writes or fills before it reads.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final BufferPool pool; // null for a buffer released on close, see unpooled
    private final String device; // for the error message of an unpooled release
    private final cl_mem mem;
    private final long bytes;
    private boolean closed;

    DeviceBuffer(BufferPool pool, cl_mem mem, long bytes) {
        this(pool, mem, bytes, null);
    }

    private DeviceBuffer(BufferPool pool, cl_mem mem, long bytes, String device) {
        this.pool = pool;
        this.mem = mem;
        this.bytes = bytes;
        this.device = device;
    }

    /** A buffer outside the pool (over host memory, or a sub-buffer): closing releases it. */
    static DeviceBuffer unpooled(cl_mem mem, long bytes, String device) {
        return new DeviceBuffer(null, mem, bytes, device);
    }

    public long bytes() {
        return bytes;
    }

    cl_mem mem() {
        if (closed) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes used after close");
        }
        return mem;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (pool == null) {
                Cl.call("releasing a buffer outside the pool", device, () -> clReleaseMemObject(mem));
            } else {
                pool.giveBack(mem, bytes);
            }
        }
    }
}
