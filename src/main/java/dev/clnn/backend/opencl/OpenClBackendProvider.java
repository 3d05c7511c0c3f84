package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.BackendProvider;
import dev.clnn.backend.GradientSum;
import dev.clnn.backend.OpFamily;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.util.ArrayList;
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

    /**
     * A {@link SharedContextGradientSum} where the backends' devices share one context, else a
     * {@link DeviceGradientSum} where it {@link DeviceGradientSum#supports supports} them.
     */
    @Override
    public Optional<GradientSum> gradientSum(List<Backend> backends, List<int[]> shapes) {
        if (SharedContextGradientSum.supports(backends)) {
            return Optional.of(new SharedContextGradientSum(backends, shapes));
        }
        return DeviceGradientSum.supports(backends) ? Optional.of(new DeviceGradientSum(backends, shapes))
                : Optional.empty();
    }

    /**
     * The devices of {@code selectors} in one context ({@link ClDevice#openShared}) where they are all CPU devices
     * of one platform (POCL's), so that the all-reduce sums their gradients without mapping them; empty otherwise.
     * GPUs keep contexts of their own: in one context a kernel reading another GPU's buffer makes the driver move it,
     * which nothing here has measured.
     */
    @Override
    public Optional<List<Backend>> openTogether(List<String> selectors, boolean timed, Set<OpFamily> firstStep) {
        List<DeviceInfo> infos = selectors.stream().map(ClDevice::select).toList();
        if (infos.size() < 2 || infos.stream().anyMatch(i -> i.gpu()
                || i.platformIndex() != infos.get(0).platformIndex())) {
            return Optional.empty();
        }
        List<ClDevice> devices = ClDevice.openShared(infos, timed);
        List<Backend> opened = new ArrayList<>();
        try {
            for (ClDevice d : devices) {
                opened.add(new OpenClBackend(d, firstStep));
            }
        } catch (RuntimeException e) {
            for (int d = opened.size(); d < devices.size(); d++) {
                devices.get(d).close();
            }
            opened.forEach(Backend::close);
            throw e;
        }
        return Optional.of(opened);
    }
}
