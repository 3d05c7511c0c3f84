package dev.clnn.device;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything about a device that changes the machine code its driver generates from the same source and options:
 * its identity (platform, version, name, driver) and the POCL settings that steer code generation. Files that hold
 * what was learnt from generated code (the kernel binary cache, the tuning store) hash these parts into their keys,
 * so a driver update or another target CPU never reuses them.
 */
public final class CodegenIdentity {
    /**
     * POCL settings that change the code it generates and that the device identity does not show: the target CPU,
     * extra compiler flags, the builtin kernel library, and how work-group functions are formed and specialised
     * (POCL stores compiled work-group functions in its program binaries). Settings that only affect run time,
     * logging or POCL's own cache are left out, so they do not force rebuilds.
     */
    private static final List<String> CODEGEN_ENVIRONMENT = List.of("POCL_LLVM_CPU_NAME", "POCL_EXTRA_BUILD_FLAGS",
            "POCL_KERNELLIB_NAME", "POCL_WORK_GROUP_METHOD", "POCL_WORK_GROUP_SPECIALIZATION",
            "POCL_BINARY_SPECIALIZE_WG", "POCL_FORCE_PARALLEL_OUTER_LOOP", "POCL_WILOOPS_MAX_UNROLL_COUNT",
            "POCL_FULL_REPLICATION_THRESHOLD");

    private CodegenIdentity() {
    }

    /** The parts in a fixed order: {@link DeviceInfo#identity}, then {@code NAME=value} per setting, empty if unset. */
    public static List<String> parts(DeviceInfo info) {
        List<String> parts = new ArrayList<>();
        parts.add(info.identity());
        for (String name : CODEGEN_ENVIRONMENT) {
            parts.add(name + "=" + System.getenv().getOrDefault(name, ""));
        }
        return parts;
    }
}
