package dev.clnn.cli;

import dev.clnn.backend.Backends;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code clnn devices}: every OpenCL device and the CPU reference, with {@code *} on the default. */
@Command(name = "devices", sortOptions = false,
        description = {"Lists the OpenCL platforms and devices (name, vendor, driver, compute units, memory, local"
            + " memory, work-group size, vector width, fp64/fp16) with the GEMM kernel (per class of shape, and"
            + " whether tuned by clnn tune, a default or forced) and work-group sizes clnn picks for each, and the CPU"
            + " reference. * marks the device a plain run uses ($CLNN_DEVICE, else the"
            + " first GPU, else any OpenCL device, else the CPU).",
            "A device's selector (opencl:P:D) is what --device takes; opencl:NAME picks the first device of the"
                + " platform whose name contains NAME (opencl:rusticl). Platforms without devices, and drivers that"
                + " failed, are named with what would make them usable."},
        footer = {"  clnn devices", "  CLNN_DEVICE=cpu clnn devices", "  POCL_DEVICES=pthread clnn devices"})
final class DevicesCommand implements Callable<Integer> {
    private final PrintStream out;

    @Mixin
    CommonOptions common;

    DevicesCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        List<DeviceInfo> all = ClDevice.list();
        String selector = Backends.defaultSelector();
        DeviceInfo chosen = null;
        if (!selector.equalsIgnoreCase("cpu") && !all.isEmpty()) {
            chosen = ClDevice.select(selector.equalsIgnoreCase("auto") ? "opencl" : selector);
        }
        if (all.isEmpty()) {
            out.println("no OpenCL device found");
        }
        for (DeviceInfo d : all) {
            out.print(DeviceReport.describe(d, d.equals(chosen)));
        }
        // A driver that failed, or a platform that lists nothing, is named even when other platforms work, so a
        // missing GPU is explained.
        for (String problem : ClDevice.problems()) {
            out.println("not usable: " + problem + "; " + ClDevice.afterProblem());
        }
        for (String empty : ClDevice.platformsWithoutDevices()) {
            out.println("no devices: " + empty);
        }
        out.printf("%s cpu          %s%n", chosen == null ? "*" : " ", new CpuBackend().name());
        return 0;
    }
}
