package dev.clnn.device;

import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clWaitForEvents;

import java.nio.ByteBuffer;
import org.jocl.cl_event;

/**
 * A map enqueued by {@link ClDevice#mapAsync} that may not have run yet: its memory is the host's once {@link #await}
 * has returned. Lets a thread queue a map behind work still running and wait for it later, while the device goes on
 * with what was queued after it.
 */
public final class PendingMap {
    private final ByteBuffer memory;
    private final long offset; // bytes into the buffer
    private final String device;
    private cl_event event; // null once waited for

    PendingMap(ByteBuffer memory, long offset, cl_event event, String device) {
        this.memory = memory;
        this.offset = offset;
        this.event = event;
        this.device = device;
    }

    /** Waits until the map (and so all work queued before it) has run; releases its event; a second call returns. */
    public void await() {
        if (event == null) {
            return;
        }
        cl_event e = event;
        event = null;
        try {
            Cl.call("waiting for a map of " + memory.capacity() + " bytes", device,
                    () -> clWaitForEvents(1, new cl_event[] {e}));
        } finally {
            Cl.call("releasing the event of a map", device, () -> clReleaseEvent(e));
        }
    }

    /** The mapped bytes; valid after {@link #await}, until {@link ClDevice#unmap}. */
    public ByteBuffer memory() {
        return memory;
    }

    /** Where the mapped bytes start in the buffer. */
    public long offset() {
        return offset;
    }
}
