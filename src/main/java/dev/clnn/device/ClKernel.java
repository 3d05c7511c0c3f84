package dev.clnn.device;

import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clSetKernelArg;

import java.util.Arrays;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * One compiled kernel bound to one queue. A cl_kernel keeps its arguments as state, so it must not be configured
 * from two threads at once: {@link #launch} is synchronized.
 */
public final class ClKernel implements AutoCloseable {
    private final cl_kernel kernel;
    private final cl_command_queue queue;
    private final String name;
    private final String device;

    /** @param device the device's name, for error messages */
    ClKernel(cl_kernel kernel, cl_command_queue queue, String name, String device) {
        this.kernel = kernel;
        this.queue = queue;
        this.name = name;
        this.device = device;
    }

    public String name() {
        return name;
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
        Cl.call("releasing kernel " + name, device, () -> clReleaseKernel(kernel));
    }
}
