package dev.clnn.device;

import org.jocl.cl_mem;

/**
 * A device allocation of {@link #bytes()} bytes. Closing it returns the memory to its pool for reuse; the contents
 * are not initialised (POCL does not zero), so every user writes or fills before it reads.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final BufferPool pool;
    private final cl_mem mem;
    private final long bytes;
    private boolean closed;

    DeviceBuffer(BufferPool pool, cl_mem mem, long bytes) {
        this.pool = pool;
        this.mem = mem;
        this.bytes = bytes;
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
            pool.giveBack(mem, bytes);
        }
    }
}
