package dev.clnn.cli;

import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What {@code clnn --version} prints: clnn's version, JOCL's ({@link ClDevice#joclVersion}), and each OpenCL device
 * with its platform, OpenCL version and driver, or why there is no OpenCL. clnn's version comes from a properties
 * file on the class path, filtered by Maven, which is there both in target/classes and in the shaded jar.
 */
final class Versions {
    private static final String CLNN = "/dev/clnn/cli/version.properties";

    private Versions() {
    }

    static List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("clnn " + version(CLNN));
        lines.add("JOCL " + ClDevice.joclVersion());
        List<DeviceInfo> devices = ClDevice.list();
        List<String> problems = ClDevice.problems();
        if (devices.isEmpty()) {
            lines.add("no OpenCL platform: " + (problems.isEmpty() ? "no OpenCL platform or device is installed"
                    : String.join("; ", problems)));
            return lines;
        }
        for (DeviceInfo d : devices) {
            lines.add("OpenCL platform " + d.platformIndex() + " " + d.platformName() + " (" + d.platformVersion()
                    + "): " + d.selector() + " " + d.name() + ", " + d.deviceVersion() + ", driver "
                    + d.driverVersion());
        }
        problems.forEach(problem -> lines.add("not usable: " + problem));
        return lines;
    }

    /** The {@code version} property of a resource, or "unknown" where it is missing or was never filtered. */
    private static String version(String resource) {
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown (" + resource + " is not on the class path)";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            // An IDE build that skipped Maven's resource filtering leaves the placeholder.
            return v.isBlank() || v.startsWith("${") ? "unknown (built without Maven)" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
