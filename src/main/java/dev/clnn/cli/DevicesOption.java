package dev.clnn.cli;

import dev.clnn.backend.OpFamily;
import dev.clnn.parallel.DeviceGroup;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --devices}: several backends for data-parallel training, one replica on each. */
final class DevicesOption {
    @Option(names = "--devices", paramLabel = "LIST", description = "run data-parallel on several devices:"
            + " selectors as for --device, comma-separated (opencl:0:0,opencl:0:1 or opencl:0:0,cpu), or all (every"
            + " OpenCL device); each batch is split in equal shards, one per device, in list order")
    String list;

    /** Whether --devices was given. */
    boolean given() {
        return list != null;
    }

    /**
     * Rejects {@code --device} beside {@code --devices}.
     *
     * @throws IllegalArgumentException when both are given
     */
    void requireAlone(DeviceOption device) {
        if (given() && device.selector != null) {
            throw new IllegalArgumentException("--device and --devices exclude each other; list the one device in"
                    + " --devices or drop it");
        }
    }

    /** Opens every listed backend; the caller closes the group. */
    DeviceGroup open(Set<OpFamily> firstStep) {
        return DeviceGroup.open(list, firstStep);
    }
}
