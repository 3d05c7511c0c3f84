package dev.clnn.device;

import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clWaitForEvents;

import org.jocl.cl_event;

/**
 * An OpenCL event of a {@link ClDevice}'s queue ({@link ClDevice#marker}): another queue of the same context waits
 * for it on the device ({@link ClDevice#waitFor}), the host with {@link #await}. Close it once no thread waits for it
 * any more; commands already enqueued with it keep what they need.
 */
public final class DeviceEvent implements AutoCloseable {
    private final cl_event event;
    private final ClDevice.SharedContext context;
    private final String device;
    private boolean closed;

    DeviceEvent(cl_event event, ClDevice.SharedContext context, String device) {
        this.event = event;
        this.context = context;
        this.device = device;
    }

    /**
     * Waits until the event's command has completed.
     *
     * @throws DeviceException when it failed (e.g. a command before the marker failed)
     * @throws IllegalStateException when the event is closed
     */
    public void await() {
        if (closed) {
            throw new IllegalStateException("waiting for a closed event of device " + device);
        }
        Cl.call("waiting for an event", device, () -> clWaitForEvents(1, new cl_event[] {event}));
    }

    cl_event handle() {
        if (closed) {
            throw new IllegalStateException("using a closed event of device " + device);
        }
        return event;
    }

    ClDevice.SharedContext context() {
        return context;
    }

    /** Releases the event; a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Cl.call("releasing an event", device, () -> clReleaseEvent(event));
    }
}
