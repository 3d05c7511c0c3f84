package dev.clnn.device;

import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clSetKernelArg;
import static org.jocl.CL.clWaitForEvents;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * One compiled kernel bound to one queue. A cl_kernel keeps its arguments as state, so it must not be configured
 * from two threads at once: {@link #launch} is synchronized. While several contexts are open, the first launch of
 * each shape (global and local size) runs under {@link CompilerLock} until it has completed, because POCL generates
 * a kernel's machine code then, per work-group shape; later launches of that shape take no lock and do not wait.
 */
public final class ClKernel implements AutoCloseable {
    private final cl_kernel kernel;
    private final cl_command_queue queue;
    private final String name;
    private final String device;
    private final long maxGroup;
    private final long[] requiredGroup;
    private final Set<String> shapesRun = new HashSet<>(); // guarded by this

    /**
     * @param device   the device's name, for error messages
     * @param maxGroup      CL_KERNEL_WORK_GROUP_SIZE of the compiled kernel
     * @param requiredGroup CL_KERNEL_COMPILE_WORK_GROUP_SIZE: its reqd_work_group_size, three zeros where none
     */
    ClKernel(cl_kernel kernel, cl_command_queue queue, String name, String device, long maxGroup,
            long[] requiredGroup) {
        this.kernel = kernel;
        this.queue = queue;
        this.name = name;
        this.device = device;
        this.maxGroup = maxGroup;
        this.requiredGroup = requiredGroup.clone();
    }

    public String name() {
        return name;
    }

    /**
     * CL_KERNEL_WORK_GROUP_SIZE: the most work-items a group of this compiled kernel may have; below the device's
     * maximum where the kernel needs many registers.
     */
    public long maxWorkGroupSize() {
        return maxGroup;
    }

    /**
     * Sets the arguments and enqueues the kernel without waiting for it.
     *
     * @param global global work size per dimension
     * @param local  work-group size per dimension, or null to let the runtime choose
     * @param args   {@link DeviceBuffer}, {@link Integer} or {@link Float}, in kernel order
     */
    public void launch(long[] global, long[] local, Object... args) {
        launch(global, local, null, args);
    }

    /**
     * As {@link #launch(long[], long[], Object...)}, and when {@code event} is not null the driver makes it this
     * launch's event, which the caller then owns and must release.
     */
    synchronized void launch(long[] global, long[] local, cl_event event, Object... args) {
        checkGroup(local);
        // Keyed on the global size too: with a null local size, or a grid past POCL's "small grid" limit, the
        // work-group function it generates depends on it.
        String shape = CompilerLock.contextsShared() ? Arrays.toString(global) + Arrays.toString(local) : null;
        if (shape == null || shapesRun.contains(shape)) {
            enqueue(global, local, event, args);
            return;
        }
        CompilerLock.exclusively(() -> {
            cl_event completion = event != null ? event : new cl_event();
            enqueue(global, local, completion, args);
            try {
                return Cl.call(() -> "waiting for the first launch of kernel " + name + " (global "
                        + Arrays.toString(global) + ", local " + Arrays.toString(local) + ")", device,
                        () -> clWaitForEvents(1, new cl_event[] {completion}));
            } finally {
                if (event == null) {
                    Cl.call("releasing the event of kernel " + name, device, () -> clReleaseEvent(completion));
                }
            }
        });
        shapesRun.add(shape);
    }

    /**
     * Refuses a work-group larger than the compiled kernel allows before the driver answers a bare
     * CL_INVALID_WORK_GROUP_SIZE (or, on some, CL_OUT_OF_RESOURCES). A kernel's own reqd_work_group_size is always
     * allowed: the compiler built it for exactly that group (Mesa's rusticl 22.3 reports 32 for every kernel,
     * those with a required group of 256 included, and runs them).
     */
    private void checkGroup(long[] local) {
        if (local == null || isRequiredGroup(local)) {
            return;
        }
        long items = 1;
        for (long l : local) {
            items *= l;
        }
        if (items > maxGroup) {
            throw new IllegalArgumentException("kernel " + name + " on " + device + ": work-group "
                    + Arrays.toString(local) + " (" + items + " work-items) exceeds the compiled kernel's"
                    + " CL_KERNEL_WORK_GROUP_SIZE " + maxGroup + " (it needs more registers or local memory per"
                    + " work-item than the device's maximum group allows); force or tune a smaller configuration");
        }
    }

    private boolean isRequiredGroup(long[] local) {
        for (int d = 0; d < requiredGroup.length; d++) {
            if (requiredGroup[d] != (d < local.length ? local[d] : 1)) {
                return false;
            }
        }
        return true;
    }

    private void enqueue(long[] global, long[] local, cl_event event, Object[] args) {
        Cl.call(() -> "launch of kernel " + name + " (global " + Arrays.toString(global) + ", local "
                + Arrays.toString(local) + ")", device, () -> {
                    for (int i = 0; i < args.length; i++) {
                        setArg(i, args[i]);
                    }
                    return clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, event);
                });
    }

    private void setArg(int index, Object arg) {
        if (arg instanceof DeviceBuffer buffer) {
            clSetKernelArg(kernel, index, Sizeof.cl_mem, Pointer.to(buffer.mem()));
        } else if (arg instanceof Integer value) {
            clSetKernelArg(kernel, index, Sizeof.cl_int, Pointer.to(new int[] {value}));
        } else if (arg instanceof Float value) {
            clSetKernelArg(kernel, index, Sizeof.cl_float, Pointer.to(new float[] {value}));
        } else {
            throw new IllegalArgumentException("kernel " + name + " argument " + index + " has unsupported type "
                    + (arg == null ? "null" : arg.getClass().getSimpleName()));
        }
    }

    @Override
    public void close() {
        // Under the lock: POCL frees the kernel's compiled code, which another context's compiler may touch.
        Cl.call("releasing kernel " + name, device, () -> CompilerLock.exclusively(() -> clReleaseKernel(kernel)));
    }
}
