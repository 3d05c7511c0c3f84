package dev.clnn.device;

import java.util.List;

/**
 * What one OpenCL device reports about itself, with its position in the platform/device enumeration
 * ({@code opencl:<platform>:<device>}).
 *
 * @param platformVersion           CL_PLATFORM_VERSION, e.g. {@code OpenCL 3.0 PoCL 3.1+debian ...}
 * @param fp64                      double precision: CL_DEVICE_DOUBLE_FP_CONFIG is non-zero or the device lists
 *                                  cl_khr_fp64
 * @param fp16                      half precision arithmetic: the device lists cl_khr_fp16
 * @param preferredVectorWidthFloat CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, floats per native vector
 * @param maxWorkItemSizes          CL_DEVICE_MAX_WORK_ITEM_SIZES: the most work-items of a group along each dimension
 */
public record DeviceInfo(
        int platformIndex,
        int deviceIndex,
        String platformName,
        String platformVersion,
        String name,
        String vendor,
        String driverVersion,
        String deviceVersion,
        boolean gpu,
        int computeUnits,
        long globalMemBytes,
        long maxAllocBytes,
        long localMemBytes,
        long maxWorkGroupSize,
        boolean fp64,
        boolean fp16,
        int preferredVectorWidthFloat,
        List<Long> maxWorkItemSizes) {

    /** Keeps an unmodifiable copy of the per-dimension sizes. */
    public DeviceInfo {
        maxWorkItemSizes = List.copyOf(maxWorkItemSizes);
    }

    /**
     * A device whose work-item sizes are not known, taken as {@code maxWorkGroupSize} along each of three
     * dimensions (no dimension limited below the whole group): for tests and callers that predate the field.
     */
    public DeviceInfo(int platformIndex, int deviceIndex, String platformName, String platformVersion, String name,
            String vendor, String driverVersion, String deviceVersion, boolean gpu, int computeUnits,
            long globalMemBytes, long maxAllocBytes, long localMemBytes, long maxWorkGroupSize, boolean fp64,
            boolean fp16, int preferredVectorWidthFloat) {
        this(platformIndex, deviceIndex, platformName, platformVersion, name, vendor, driverVersion, deviceVersion,
                gpu, computeUnits, globalMemBytes, maxAllocBytes, localMemBytes, maxWorkGroupSize, fp64, fp16,
                preferredVectorWidthFloat, List.of(maxWorkGroupSize, maxWorkGroupSize, maxWorkGroupSize));
    }

    /**
     * CL_DEVICE_MAX_WORK_ITEM_SIZES[{@code dimension}]; a dimension the device does not list allows one work-item
     * (a launch of fewer dimensions has groups of 1 there).
     */
    public long maxWorkItemSize(int dimension) {
        return dimension < maxWorkItemSizes.size() ? maxWorkItemSizes.get(dimension) : 1;
    }

    /** The selector that picks exactly this device: {@code opencl:P:D}. */
    public String selector() {
        return "opencl:" + platformIndex + ":" + deviceIndex;
    }

    /** A stable identity for caches: platform, device and driver. */
    public String identity() {
        return platformName + " | " + platformVersion + " | " + name + " | " + driverVersion + " | " + deviceVersion;
    }

    @Override
    public String toString() {
        return name + " (" + platformName + ", driver " + driverVersion + ", " + selector() + ")";
    }
}
