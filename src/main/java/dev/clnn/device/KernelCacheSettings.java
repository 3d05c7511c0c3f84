package dev.clnn.device;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where compiled program binaries are kept between runs. {@code CLNN_KERNEL_CACHE=off} (or the system property
 * {@code clnn.kernelCache=off}) disables the disk cache; {@code CLNN_KERNEL_CACHE_DIR} (property
 * {@code clnn.kernelCacheDir}) moves it. Default: {@code $XDG_CACHE_HOME/clnn/kernels}, else
 * {@code ~/.cache/clnn/kernels}.
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
