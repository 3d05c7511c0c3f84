package dev.clnn.device;

import static org.jocl.CL.CL_COMPLETE;
import static org.jocl.CL.CL_EVENT_COMMAND_EXECUTION_STATUS;
import static org.jocl.CL.clGetEventInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.OpenClTestSupport;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * While two contexts are open, the first launch of a kernel per shape returns only once it has run (POCL generates
 * the code then, under {@link CompilerLock}); the input is large enough (4M floats, milliseconds of work) that a launch which did not
 * wait would still be queued or running when its status is read.
 */
@Tag("opencl")
class FirstLaunchTest {
    private static final int N = 1 << 22;

    @Test
    @SuppressWarnings("try") // the other context is only held open: two contexts are the condition under test
    void firstLaunchOfEachShapeHasCompletedWhenLaunchReturns() {
        OpenClTestSupport.requireDevice();
        DeviceInfo info = ClDevice.select(OpenClTestSupport.selector());
        try (ClDevice other = ClDevice.open(info);
                ClDevice device = ClDevice.open(info);
                DeviceBuffer x = device.allocate(4L * N);
                DeviceBuffer y = device.allocate(4L * N)) {
            device.write(x, new float[N]);
            ClKernel relu = device.kernel("relu.cl", "relu_forward", "");
            assertEquals(CL_COMPLETE, statusAfterLaunch(relu, new long[] {N}, null, y, x, N));
            assertEquals(CL_COMPLETE, statusAfterLaunch(relu, new long[] {N - 1}, null, y, x, N - 1),
                    "a new global size is a new shape");
            assertEquals(CL_COMPLETE, statusAfterLaunch(relu, new long[] {N}, new long[] {16}, y, x, N),
                    "a new local size is a new shape");
        }
    }

    private static int statusAfterLaunch(ClKernel kernel, long[] global, long[] local, Object... args) {
        cl_event event = new cl_event();
        kernel.launch(global, local, event, args);
        int[] status = new int[1];
        clGetEventInfo(event, CL_EVENT_COMMAND_EXECUTION_STATUS, Sizeof.cl_int, Pointer.to(status), null);
        clReleaseEvent(event);
        return status[0];
    }
}
