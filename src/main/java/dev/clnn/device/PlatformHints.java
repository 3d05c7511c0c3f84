package dev.clnn.device;

import java.util.Locale;

/**
 * What a user can do about an OpenCL platform clnn cannot use, in words: the platforms a Debian or Ubuntu machine
 * commonly has (POCL, Mesa's rusticl and Clover) get their own advice, any other a general one.
 */
final class PlatformHints {
    private PlatformHints() {
    }

    /** Why platform {@code index} named {@code name} lists no device, and what would make it list one. */
    static String whyEmpty(int index, String name) {
        String where = "platform opencl:" + index + " (" + name + ") lists no device: ";
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("rusticl")) {
            return where + "Mesa's rusticl shows only the drivers named in RUSTICL_ENABLE, e.g."
                    + " RUSTICL_ENABLE=llvmpipe for the CPU, radeonsi for AMD or iris for Intel GPUs";
        }
        if (lower.equals("clover")) {
            return where + "Mesa's Clover serves only AMD GPUs on the r600 or radeonsi drivers; it does no harm here,"
                    + " and RUSTICL_ENABLE=radeonsi reaches the same GPUs through rusticl";
        }
        if (lower.contains("portable computing language") || lower.contains("pocl")) {
            return where + "POCL_DEVICES names no device POCL knows (unset it, or POCL_DEVICES=pthread)";
        }
        return where + "its driver found no hardware it supports (clinfo -l shows the same; the other platforms are"
                + " unaffected)";
    }

    /** The advice that follows a platform or device that failed while clnn examined it. */
    static String afterFailure() {
        return "clnn leaves it out and uses the others; clinfo -l shows whether the driver works outside clnn, and"
                + " OCL_ICD_VENDORS=<folder of the wanted .icd files> hides a broken driver";
    }
}
