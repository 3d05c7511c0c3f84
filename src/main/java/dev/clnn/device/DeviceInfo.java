package dev.clnn.device;

/**
 * What one OpenCL device reports about itself, with its position in the platform/device enumeration
 * ({@code opencl:<platform>:<device>}).
 */
public record DeviceInfo(
        int platformIndex,
        int deviceIndex,
        String platformName,
        String name,
        String vendor,
        String driverVersion,
        String deviceVersion,
        boolean gpu,
        int computeUnits,
        long globalMemBytes,
        long maxAllocBytes,
        long localMemBytes,
        long maxWorkGroupSize) {

    /** The selector that picks exactly this device: {@code opencl:P:D}. */
    public String selector() {
        return "opencl:" + platformIndex + ":" + deviceIndex;
    }

    /** A stable identity for caches: platform, device and driver. */
    public String identity() {
        return platformName + " | " + name + " | " + driverVersion + " | " + deviceVersion;
    }

    @Override
    public String toString() {
        return name + " (" + platformName + ", driver " + driverVersion + ", " + selector() + ")";
    }
}
