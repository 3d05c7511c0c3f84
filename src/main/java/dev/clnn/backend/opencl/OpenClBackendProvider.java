package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.BackendProvider;
import dev.clnn.backend.GradientSum;
import dev.clnn.backend.OpFamily;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenCL backend as {@code Backends} finds it: {@code opencl}, {@code opencl:P:D} or a device name; every device
 * for {@code --devices all}; and the device-side sum of the replicas' gradients ({@link DeviceGradientSum}) where
 * they are OpenCL devices that share the host's memory.
 */
public final class OpenClBackendProvider implements BackendProvider {
    @Override
    public String kind() {
        return "opencl";
    }

    @Override
    public boolean hasDevice() {
        return !ClDevice.list().isEmpty();
    }

    @Override
    public Backend open(String selector, boolean timed, Set<OpFamily> firstStep) {
        ClDevice device = timed ? ClDevice.openProfiled(ClDevice.select(selector))
                : ClDevice.open(ClDevice.select(selector));
        return new OpenClBackend(device, firstStep);
    }

    /** {@code opencl:P:D} of every OpenCL device, in discovery order. */
    @Override
    public List<String> deviceSelectors() {
        return ClDevice.list().stream().map(DeviceInfo::selector).toList();
    }

    @Override
    public List<String> discoveryProblems() {
        return ClDevice.problems();
    }

    /** A {@link DeviceGradientSum} where it {@link DeviceGradientSum#supports supports} the backends. */
    @Override
    public Optional<GradientSum> gradientSum(List<Backend> backends, List<int[]> shapes) {
        return DeviceGradientSum.supports(backends) ? Optional.of(new DeviceGradientSum(backends, shapes))
                : Optional.empty();
    }
}
