package dev.clnn.cli;

import dev.clnn.backend.opencl.tuning.ConvTuning;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.DeviceInfo;
import java.util.Locale;
import java.util.stream.Collectors;

/** The lines {@code clnn devices} prints for one OpenCL device: what it reports and what clnn picks for it. */
final class DeviceReport {
    private DeviceReport() {
    }

    /** @param isDefault whether this is the device a plain run would use, marked with {@code *} */
    static String describe(DeviceInfo d, boolean isDefault) {
        KernelTuning tuning = KernelTuning.forDevice(d);
        return String.format(Locale.ROOT, "%s %-12s %s%n"
                + "    platform %s, vendor %s, driver %s, %s%n"
                + "    %d compute units, %d MiB global memory, %d MiB max allocation, %d KiB local memory%n"
                + "    max work-group size %d (%s per dimension), preferred float vector width %d, fp64 %s, fp16 %s%n"
                + "    clnn uses GEMM %s%n"
                + "    and %s%n"
                + "    convolutions: %s%n",
                isDefault ? "*" : " ", d.selector(), d.name(), d.platformName(), d.vendor(), d.driverVersion(),
                d.gpu() ? "GPU" : "not a GPU", d.computeUnits(), d.globalMemBytes() >> 20, d.maxAllocBytes() >> 20,
                d.localMemBytes() >> 10, d.maxWorkGroupSize(), d.maxWorkItemSizes().stream().map(String::valueOf)
                        .collect(Collectors.joining("×")), d.preferredVectorWidthFloat(), yesNo(d.fp64()),
                yesNo(d.fp16()), tuning.gemmChoice(), tuning.workGroups(), ConvTuning.forDevice(d).describe());
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}
