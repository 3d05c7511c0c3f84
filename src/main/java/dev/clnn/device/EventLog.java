package dev.clnn.device;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clWaitForEvents;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * The profiling events of a device opened with profiling: one per kernel launch, each tagged with its op and kernel.
 * Events are folded into per-(op, kernel) totals and released when {@link #take} reads them, and also, oldest first,
 * whenever {@link ClDevice#MAX_PENDING_EVENTS} are waiting, so a caller that never reads cannot make them pile up.
 */
final class EventLog implements AutoCloseable {
    private static final int MAX_PENDING = ClDevice.MAX_PENDING_EVENTS;

    private record Pending(String op, String kernel, cl_event event) {
    }

    private record Key(String op, String kernel) {
    }

    private final String device;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    // Insertion order, so equal times print in the order the ops first ran.
    private final Map<Key, long[]> totals = new LinkedHashMap<>();
    private long created;

    /** @param device the device's name, for error messages */
    EventLog(String device) {
        this.device = device;
    }

    /** Takes ownership of the event of a launch that has been enqueued. */
    synchronized void add(String op, String kernel, cl_event event) {
        created++;
        pending.add(new Pending(op, kernel, event));
        if (pending.size() >= MAX_PENDING) {
            fold(MAX_PENDING / 2);
        }
    }

    /**
     * The totals since the last call, with every pending event waited for, read and released. The caller has drained
     * the queue, so nothing waits long.
     */
    synchronized List<KernelTime> take() {
        fold(pending.size());
        List<KernelTime> out = new ArrayList<>(totals.size());
        totals.forEach((key, t) -> out.add(new KernelTime(key.op(), key.kernel(), t[0], t[1])));
        totals.clear();
        return out;
    }

    /** Events created so far. */
    synchronized long created() {
        return created;
    }

    /** Events created and not yet released. */
    synchronized int pending() {
        return pending.size();
    }

    /** Waits for the oldest {@code count} events, adds their times to the totals and releases them. */
    private void fold(int count) {
        if (count == 0) {
            return;
        }
        cl_event[] events = new cl_event[count];
        int i = 0;
        for (Pending p : pending) {
            if (i == count) {
                break;
            }
            events[i++] = p.event();
        }
        Cl.call("waiting for " + count + " profiled kernels", device, () -> clWaitForEvents(count, events));
        long[] start = new long[1];
        long[] end = new long[1];
        Releaser releaser = new Releaser();
        for (int j = 0; j < count; j++) {
            Pending p = pending.poll();
            releaser.run(() -> {
                Cl.call("reading the profiling times of kernel " + p.kernel(), device, () -> {
                    clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_START, Sizeof.cl_ulong,
                            Pointer.to(start), null);
                    return clGetEventProfilingInfo(p.event(), CL_PROFILING_COMMAND_END, Sizeof.cl_ulong,
                            Pointer.to(end), null);
                });
                long[] t = totals.computeIfAbsent(new Key(p.op(), p.kernel()), k -> new long[2]);
                t[0]++;
                t[1] += end[0] - start[0];
            });
            releaser.run(() -> release(p));
        }
        releaser.throwIfFailed();
    }

    private void release(Pending p) {
        Cl.call("releasing the profiling event of kernel " + p.kernel(), device, () -> clReleaseEvent(p.event()));
    }

    /** Releases the events not read yet, without reading them. */
    @Override
    public synchronized void close() {
        Releaser releaser = new Releaser();
        while (!pending.isEmpty()) {
            Pending p = pending.poll();
            releaser.run(() -> release(p));
        }
        totals.clear();
        releaser.throwIfFailed();
    }
}
