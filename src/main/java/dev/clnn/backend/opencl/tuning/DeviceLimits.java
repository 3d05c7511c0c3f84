package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.DeviceInfo;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The limits a launch must respect on one device, as it reports them ({@link DeviceInfo}): the work-items of a group
 * in all (CL_DEVICE_MAX_WORK_GROUP_SIZE) and along each dimension (CL_DEVICE_MAX_WORK_ITEM_SIZES), and the local
 * memory of a group (CL_DEVICE_LOCAL_MEM_SIZE). Each check answers null where the value fits, else a sentence naming
 * the limit, its value and the device, so a refusal or a warning can say exactly what does not fit. Pure Java: the
 * choices are tested with made-up devices.
 */
public final class DeviceLimits {
    private DeviceLimits() {
    }

    /** Null where work-groups of {@code local} (one size per dimension) fit {@code info}, else why not. */
    public static String workGroupProblem(DeviceInfo info, long... local) {
        long items = 1;
        for (long l : local) {
            items *= l;
        }
        if (items > info.maxWorkGroupSize()) {
            return "work-group " + shape(local) + " (" + items + " work-items) exceeds CL_DEVICE_MAX_WORK_GROUP_SIZE "
                    + info.maxWorkGroupSize() + " of " + info.name();
        }
        for (int d = 0; d < local.length; d++) {
            if (local[d] > info.maxWorkItemSize(d)) {
                return "work-group " + shape(local) + " exceeds CL_DEVICE_MAX_WORK_ITEM_SIZES[" + d + "] "
                        + info.maxWorkItemSize(d) + " of " + info.name();
            }
        }
        return null;
    }

    /** Null where a group's {@code bytes} of local memory fit {@code info}, else why not. */
    public static String localMemoryProblem(DeviceInfo info, long bytes) {
        if (bytes > info.localMemBytes()) {
            return bytes + " bytes of local memory exceed CL_DEVICE_LOCAL_MEM_SIZE " + info.localMemBytes() + " of "
                    + info.name();
        }
        return null;
    }

    /** The largest power of two at most {@code limit} and at most {@code cap} (1 for a limit below 1). */
    static int powerOfTwoAtMost(long limit, int cap) {
        return Integer.highestOneBit((int) Math.max(1, Math.min(cap, limit)));
    }

    /** A local size as a launch gives it, e.g. {@code 16×16}. */
    static String shape(long[] local) {
        return Arrays.stream(local).mapToObj(Long::toString).collect(Collectors.joining("×"));
    }
}
