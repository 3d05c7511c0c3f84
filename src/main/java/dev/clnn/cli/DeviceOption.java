package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.OpFamily;
import dev.clnn.backend.profile.ProfiledBackend;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --device}: the backend a command runs on. */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "D", description = "auto, cpu, opencl, opencl:P:D, opencl:PLATFORM[:D]"
            + " (part of a platform name, e.g. opencl:rusticl) or part of a device name (default: $CLNN_DEVICE, else auto: the first GPU, else any OpenCL device, else the CPU)")
    String selector;

    /** Opens the chosen backend; the caller closes it. */
    Backend open() {
        return Backends.open(selector());
    }

    /** Opens the chosen backend, building the programs of {@code firstStep} early; the caller closes it. */
    Backend open(Set<OpFamily> firstStep) {
        return Backends.open(selector(), firstStep);
    }

    /** Opens the chosen backend with profiling ({@link ProfiledBackend#open}); the caller closes it. */
    Backend openProfiled() {
        return openProfiled(Set.of());
    }

    /** As {@link #openProfiled()}, building the programs of {@code firstStep} early. */
    Backend openProfiled(Set<OpFamily> firstStep) {
        return ProfiledBackend.open(selector(), firstStep);
    }

    private String selector() {
        return selector == null ? Backends.defaultSelector() : selector;
    }
}
