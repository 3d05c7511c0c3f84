package dev.clnn.device;

/**
 * What one OpenCL device reports about itself, with its position in the platform/device enumeration
 * ({@code opencl:<platform>:<device>}).
 *
 * @param platformVersion           CL_PLATFORM_VERSION, e.g. {@code OpenCL 3.0 PoCL 3.1+debian ...}
 * @param fp64                      double precision: CL_DEVICE_DOUBLE_FP_CONFIG is non-zero or the device lists
 *                                  cl_khr_fp64
 * @param fp16                      half precision arithmetic: the device lists cl_khr_fp16
 * @param preferredVectorWidthFloat CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, floats per native vector
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
        int preferredVectorWidthFloat) {

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
