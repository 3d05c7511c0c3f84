package dev.clnn.device;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where compiled program binaries and tuning results are kept between runs. {@code CLNN_KERNEL_CACHE=off} (or the
 * system property {@code clnn.kernelCache=off}) disables the binary cache; {@code CLNN_KERNEL_CACHE_DIR} (property
 * {@code clnn.kernelCacheDir}) moves it. Default: {@code $XDG_CACHE_HOME/clnn/kernels}, else
 * {@code ~/.cache/clnn/kernels}. Tuning results go to its sub-folder {@code tuning}, or to
 * {@code CLNN_TUNING_DIR} (property {@code clnn.tuningDir}).
 */
public final class KernelCacheSettings {
    private KernelCacheSettings() {
    }

    /** The cache directory, or null when the disk cache is switched off. */
    public static Path directory() {
        String switchValue = setting("clnn.kernelCache", "CLNN_KERNEL_CACHE");
        if (switchValue != null) {
            String v = switchValue.trim().toLowerCase(Locale.ROOT);
            if (v.equals("off") || v.equals("0") || v.equals("false") || v.equals("no")) {
                return null;
            }
        }
        return folder();
    }

    /**
     * The folder of tuning results (the OpenCL backend's {@code TuningStore}): {@code CLNN_TUNING_DIR}, else
     * {@code tuning} inside the kernel cache's folder. Switching the binary cache off does not switch tuning off: a
     * result costs a tuning run, not a compilation.
     */
    public static Path tuningDirectory() {
        String dir = setting("clnn.tuningDir", "CLNN_TUNING_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        return folder().resolve("tuning");
    }

    private static Path folder() {
        String dir = setting("clnn.kernelCacheDir", "CLNN_KERNEL_CACHE_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("clnn").resolve("kernels");
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
