package dev.clnn.device;

import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clRetainMemObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_mem;

/**
 * The kernel launches of a dry-run device ({@link ClDevice#openDryRun}): recorded instead of enqueued, then run
 * once each in the reverse order of their first use. A dry run of a training step in a second context then makes
 * POCL generate the step's kernel code from the last kernel backwards while the real step does it from the first
 * forwards; both write POCL's kernel cache, so each kernel is compiled about once and the two halves run on two
 * cores (POCL holds one compiler lock per context, not per process).
 */
final class LaunchRecording {
    private record Launch(ClKernel kernel, long[] global, long[] local, Object[] args) {
        /** Launches with the same key get the same generated code (the group shape and grid size decide it). */
        String key() {
            return kernel.name() + "@" + System.identityHashCode(kernel) + " " + Arrays.toString(global) + " " + Arrays.toString(local);
        }
    }

    private final Map<String, Launch> firstUses = new LinkedHashMap<>();
    /** The memory of every recorded buffer argument, retained: a step closes its temporaries before the replay. */
    private final Map<cl_mem, Long> memory = new IdentityHashMap<>();

    /** Records a launch; buffer arguments are kept as their retained {@code cl_mem}. */
    synchronized void add(ClKernel kernel, long[] global, long[] local, Object[] args, String device) {
        Object[] kept = args.clone();
        for (int i = 0; i < kept.length; i++) {
            if (kept[i] instanceof DeviceBuffer buffer) {
                cl_mem mem = buffer.mem();
                if (memory.putIfAbsent(mem, buffer.bytes()) == null) {
                    Cl.call("retaining a dry-run buffer", device, () -> clRetainMemObject(mem));
                }
                kept[i] = mem;
            }
        }
        Launch launch = new Launch(kernel, global.clone(), local == null ? null : local.clone(), kept);
        firstUses.putIfAbsent(launch.key(), launch);
    }

    /**
     * Zero-fills every buffer the recorded launches use, so indices read from device memory (max-pool argmax,
     * labels) are in range whatever order the kernels run in, then enqueues each distinct launch once, last first.
     */
    void replayReversed(cl_command_queue queue, String device) {
        List<Launch> launches;
        synchronized (this) {
            launches = new ArrayList<>(firstUses.values());
            firstUses.clear();
        }
        for (Map.Entry<cl_mem, Long> buffer : memoryView().entrySet()) {
            long bytes = buffer.getValue() / Sizeof.cl_int * Sizeof.cl_int;
            if (bytes > 0) {
                Cl.call("zero-filling a dry-run buffer of " + bytes + " bytes", device,
                        () -> clEnqueueFillBuffer(queue, buffer.getKey(), Pointer.to(new int[] {0}), Sizeof.cl_int,
                                0, bytes, 0, null, null));
            }
        }
        Collections.reverse(launches);
        for (Launch launch : launches) {
            launch.kernel().enqueue(launch.global(), launch.local(), null, launch.args());
        }
    }

    private synchronized Map<cl_mem, Long> memoryView() {
        return new IdentityHashMap<>(memory);
    }

    /** Releases the recorded buffers' memory (after the replay has finished or been dropped). */
    synchronized void release(Releaser releaser, String device) {
        memory.keySet().forEach(mem -> releaser.run(
                () -> Cl.call("releasing a dry-run buffer", device, () -> clReleaseMemObject(mem))));
        memory.clear();
        firstUses.clear();
    }
}
