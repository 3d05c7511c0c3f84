package dev.clnn.backend.opencl;

import dev.clnn.backend.Backend;
import dev.clnn.backend.BackendProvider;
import dev.clnn.backend.OpFamily;
import dev.clnn.device.ClDevice;
import java.util.Set;

/** The OpenCL backend as {@code Backends} finds it: {@code opencl}, {@code opencl:P:D} or a device name. */
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
}
