package dev.clnn.device;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Finds the OpenCL platforms and devices of this process and picks one by selector.
 *
 * <p>Discovery runs under one lock: the ICD loader's and POCL's first {@code clGetPlatformIDs} are not safe to run
 * from two threads at once (they returned no platform, part of the devices, or crashed). A complete discovery is
 * kept for the life of the process, since the ICD loader itself reads its vendor list only once per process; one
 * with problems is not kept, so a failure is retried on the next call instead of lasting forever. Each platform and
 * each device is examined on its own: one broken driver costs only its own devices and is recorded in
 * {@link #problems()}.
 */
final class ClPlatforms {
    private static final String INSTALL_HINT =
            "install an OpenCL driver, e.g. pocl-opencl-icd, or use --device cpu";
    /**
     * CL_DEVICE_TYPE_ALL as the specification defines it, 0xFFFFFFFF in a cl_bitfield. JOCL's constant is the int -1
     * widened to a long, every one of 64 bits set; POCL ignores the upper half, but Mesa's rusticl rejects the mask
     * with CL_INVALID_DEVICE_TYPE, which hid its devices.
     */
    static final long ALL_DEVICE_TYPES = 0xFFFFFFFFL;

    /** Why OpenCL cannot be used here, or null once the runtime has loaded; computed on first use. */
    private static String runtimeProblem;
    private static boolean runtimeChecked;
    private static Discovery complete;

    /** A platform that answered but lists no device: {@code opencl:P} and its name. */
    record EmptyPlatform(int index, String name) {
    }

    /** One device found, with the handles needed to open it. */
    private record Found(DeviceInfo info, cl_platform_id platform, cl_device_id device) {
    }

    /**
     * The devices of every platform that could be examined, the platforms that answered with no device, and what
     * went wrong on the others.
     */
    private record Discovery(List<Found> found, List<EmptyPlatform> empty, List<String> problems) {
        List<DeviceInfo> devices() {
            return found.stream().map(Found::info).toList();
        }
    }

    private ClPlatforms() {
    }

    /**
     * Loads JOCL and the OpenCL ICD loader once. JOCL opens {@code libOpenCL.so} by that exact name, which Debian
     * ships in ocl-icd-opencl-dev (the runtime package has only libOpenCL.so.1).
     *
     * @return null when OpenCL calls can be made, else why not
     */
    static synchronized String runtimeProblem() {
        if (!runtimeChecked) {
            runtimeChecked = true;
            try {
                CL.setExceptionsEnabled(true);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                runtimeProblem = "the OpenCL library libOpenCL.so could not be loaded (" + e.getMessage()
                        + "); install an ICD loader and driver, e.g. ocl-icd-opencl-dev and pocl-opencl-icd";
            }
        }
        return runtimeProblem;
    }

    /** Every usable OpenCL device on every platform, in enumeration order; empty without an OpenCL runtime. */
    static synchronized List<DeviceInfo> list() {
        return discovery().devices();
    }

    /** What went wrong while looking for devices (one line per failed platform or device); empty when nothing did. */
    static synchronized List<String> problems() {
        String runtime = runtimeProblem();
        return runtime != null ? List.of(runtime) : discovery().problems();
    }

    /** The platforms that answered with no device, in enumeration order. */
    static synchronized List<EmptyPlatform> emptyPlatforms() {
        return runtimeProblem() != null ? List.of() : discovery().empty();
    }

    /**
     * The device a selector names: {@code opencl} (first GPU, else first device), {@code opencl:P:D} by position,
     * {@code opencl:NAME} or {@code opencl:NAME:D} by platform name (the first platform whose name contains NAME,
     * ignoring case: {@code opencl:rusticl}), or a case-insensitive substring of a device name.
     *
     * @throws IllegalArgumentException when nothing matches, listing what exists and what failed
     */
    static synchronized DeviceInfo select(String selector) {
        Discovery discovery = discovery();
        List<DeviceInfo> all = discovery.devices();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("device \"" + selector + "\" was requested but " + whyNone(discovery));
        }
        String s = selector.trim().toLowerCase(Locale.ROOT);
        if (s.equals("opencl")) {
            return all.stream().filter(DeviceInfo::gpu).findFirst().orElse(all.get(0));
        }
        if (s.startsWith("opencl:")) {
            DeviceInfo found = byPlatform(all, s);
            if (found == null) {
                throw new IllegalArgumentException("no OpenCL device \"" + selector + "\"; available: "
                        + names(all) + emptySuffix(discovery) + problemsSuffix(discovery));
            }
            return found;
        }
        for (DeviceInfo info : all) {
            if (info.name().toLowerCase(Locale.ROOT).contains(s)) {
                return info;
            }
        }
        throw new IllegalArgumentException("no device matches \"" + selector + "\"; available: cpu, " + names(all)
                + emptySuffix(discovery) + problemsSuffix(discovery));
    }

    /**
     * Hands the handles of a listed device to {@code open} while holding the discovery lock, so that creating a
     * context never overlaps another thread's discovery or context creation.
     *
     * @throws IllegalArgumentException when no device at {@code info}'s position matches it
     */
    static synchronized <T> T withHandles(DeviceInfo info, BiFunction<cl_platform_id, cl_device_id, T> open) {
        if (runtimeProblem() != null) {
            throw new IllegalStateException(runtimeProblem());
        }
        Discovery discovery = discovery();
        for (Found f : discovery.found()) {
            if (f.info().platformIndex() == info.platformIndex() && f.info().deviceIndex() == info.deviceIndex()) {
                if (!f.info().identity().equals(info.identity())) {
                    throw new IllegalArgumentException("OpenCL device " + info.selector() + " is "
                            + f.info().identity() + ", not the requested " + info.identity());
                }
                return open.apply(f.platform(), f.device());
            }
        }
        throw new IllegalArgumentException("no OpenCL device " + info.selector() + " (" + info.name()
                + ") to open; " + (discovery.devices().isEmpty() ? whyNone(discovery)
                        : "available: " + names(discovery.devices()) + problemsSuffix(discovery)));
    }

    private static Discovery discovery() {
        if (complete != null) {
            return complete;
        }
        if (runtimeProblem() != null) {
            return new Discovery(List.of(), List.of(), List.of());
        }
        Discovery d = discover();
        if (d.problems().isEmpty()) {
            complete = d;
        }
        return d;
    }

    private static Discovery discover() {
        cl_platform_id[] platforms;
        try {
            platforms = platformIds();
        } catch (DeviceException e) {
            return new Discovery(List.of(), List.of(), List.of(e.getMessage()));
        }
        List<Found> found = new ArrayList<>();
        List<EmptyPlatform> empty = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        eachOnItsOwn(platforms.length, p -> examine(p, platforms[p], found, empty, problems), problems);
        return new Discovery(List.copyOf(found), List.copyOf(empty), List.copyOf(problems));
    }

    /**
     * Runs {@code step} for 0 to {@code count - 1}; a step's DeviceException becomes a line in {@code problems} and
     * the next step still runs, so one broken platform or device does not hide the others.
     */
    static void eachOnItsOwn(int count, IntConsumer step, List<String> problems) {
        for (int i = 0; i < count; i++) {
            try {
                step.accept(i);
            } catch (DeviceException e) {
                problems.add(e.getMessage());
            }
        }
    }

    /** Adds the devices of platform {@code p}; a device that cannot be described is a problem, not an abort. */
    private static void examine(int p, cl_platform_id platform, List<Found> found, List<EmptyPlatform> empty,
            List<String> problems) {
        String platformName = Cl.call("reading the platform name", "OpenCL platform " + p,
                () -> platformString(platform, CL_PLATFORM_NAME));
        String where = "OpenCL platform " + p + " (" + platformName + ")";
        String platformVersion = Cl.call("reading the platform version", where,
                () -> platformString(platform, CL_PLATFORM_VERSION));
        cl_device_id[] devices = deviceIds(platform, where);
        if (devices.length == 0) {
            empty.add(new EmptyPlatform(p, platformName));
        }
        eachOnItsOwn(devices.length, d -> {
            DeviceInfo info = Cl.call("reading the properties of device opencl:" + p + ":" + d, where,
                    () -> describe(p, d, platformName, platformVersion, devices[d]));
            found.add(new Found(info, platform, devices[d]));
        }, problems);
    }

    private static String whyNone(Discovery discovery) {
        if (runtimeProblem() != null) {
            return runtimeProblem() + " (" + INSTALL_HINT + ")";
        }
        if (!discovery.problems().isEmpty()) {
            return "OpenCL device discovery failed: " + String.join("; ", discovery.problems());
        }
        if (!discovery.empty().isEmpty()) {
            return "no OpenCL device is enabled" + emptySuffix(discovery) + " (" + INSTALL_HINT + ")";
        }
        return "no OpenCL platform or device is installed (" + INSTALL_HINT + ")";
    }

    private static String problemsSuffix(Discovery discovery) {
        return discovery.problems().isEmpty() ? "" : "; not usable: " + String.join("; ", discovery.problems());
    }

    private static String emptySuffix(Discovery discovery) {
        if (discovery.empty().isEmpty()) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (EmptyPlatform e : discovery.empty()) {
            lines.add(PlatformHints.whyEmpty(e.index(), e.name()));
        }
        return "; " + String.join("; ", lines);
    }

    /**
     * The device an {@code opencl:P:D}, {@code opencl:NAME} or {@code opencl:NAME:D} selector (lower case) names: P a
     * platform's position, NAME part of its name (the first platform whose name contains it), D a device's position
     * on that platform (default 0); null when the selector is malformed or names no listed device.
     */
    static DeviceInfo byPlatform(List<DeviceInfo> all, String selector) {
        String[] parts = selector.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[1].isEmpty()) {
            return null;
        }
        String platform = parts[1];
        boolean byIndex = platform.chars().allMatch(Character::isDigit);
        if (byIndex && parts.length != 3) {
            return null; // "opencl:0" is a position without its device: opencl:0:D
        }
        int d;
        Integer p;
        try {
            d = parts.length == 3 ? Integer.parseInt(parts[2]) : 0;
            p = byIndex ? Integer.valueOf(platform) : null;
        } catch (NumberFormatException e) {
            return null;
        }
        if (byIndex) {
            return all.stream().filter(i -> i.platformIndex() == p && i.deviceIndex() == d).findFirst()
                    .orElse(null);
        }
        Integer named = all.stream().filter(i -> i.platformName().toLowerCase(Locale.ROOT).contains(platform))
                .map(DeviceInfo::platformIndex).findFirst().orElse(null);
        if (named == null) {
            return null;
        }
        return all.stream().filter(i -> i.platformIndex() == named && i.deviceIndex() == d).findFirst()
                .orElse(null);
    }

    private static String names(List<DeviceInfo> all) {
        List<String> names = new ArrayList<>();
        for (DeviceInfo info : all) {
            names.add(info.selector() + " = " + info.name());
        }
        return String.join(", ", names);
    }

    private static cl_platform_id[] platformIds() {
        try {
            return Cl.call("listing OpenCL platforms (clGetPlatformIDs)", "the ICD loader", () -> {
                int[] count = new int[1];
                clGetPlatformIDs(0, null, count);
                cl_platform_id[] platforms = new cl_platform_id[count[0]];
                if (platforms.length > 0) {
                    clGetPlatformIDs(platforms.length, platforms, null);
                }
                return platforms;
            });
        } catch (DeviceException e) {
            // The ICD loader's answer when no driver is registered: nothing is installed, nothing failed.
            if (e.status() == CL_PLATFORM_NOT_FOUND_KHR) {
                return new cl_platform_id[0];
            }
            throw e;
        }
    }

    private static cl_device_id[] deviceIds(cl_platform_id platform, String where) {
        try {
            return Cl.call("listing devices", where, () -> {
                int[] count = new int[1];
                clGetDeviceIDs(platform, ALL_DEVICE_TYPES, 0, null, count);
                cl_device_id[] devices = new cl_device_id[count[0]];
                clGetDeviceIDs(platform, ALL_DEVICE_TYPES, devices.length, devices, null);
                return devices;
            });
        } catch (DeviceException e) {
            // A platform without devices (POCL with POCL_DEVICES naming none, Mesa's Clover without an AMD GPU, rusticl
            // without RUSTICL_ENABLE) answers CL_DEVICE_NOT_FOUND.
            if (e.status() == CL_DEVICE_NOT_FOUND) {
                return new cl_device_id[0];
            }
            throw e;
        }
    }

    private static DeviceInfo describe(int p, int d, String platformName, String platformVersion,
            cl_device_id device) {
        long type = longInfo(device, CL_DEVICE_TYPE);
        List<String> extensions = List.of(deviceString(device, CL_DEVICE_EXTENSIONS).split("\\s+"));
        return new DeviceInfo(p, d, platformName, platformVersion,
                deviceString(device, CL_DEVICE_NAME), deviceString(device, CL_DEVICE_VENDOR),
                deviceString(device, CL_DRIVER_VERSION), deviceString(device, CL_DEVICE_VERSION),
                (type & CL_DEVICE_TYPE_GPU) != 0, intInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                longInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE), longInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                longInfo(device, CL_DEVICE_LOCAL_MEM_SIZE), sizeInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                doubleFpConfig(device) != 0 || extensions.contains("cl_khr_fp64"),
                extensions.contains("cl_khr_fp16"), intInfo(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                workItemSizes(device));
    }

    /** CL_DEVICE_MAX_WORK_ITEM_SIZES: one size_t per dimension, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS of them. */
    private static List<Long> workItemSizes(cl_device_id device) {
        int dimensions = intInfo(device, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
        long[] sizes = new long[dimensions];
        clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_ITEM_SIZES, (long) Sizeof.size_t * dimensions, Pointer.to(sizes),
                null);
        return Arrays.stream(sizes).boxed().toList();
    }

    /** CL_DEVICE_DOUBLE_FP_CONFIG, or 0 where an OpenCL 1.0/1.1 driver without fp64 rejects the query. */
    private static long doubleFpConfig(cl_device_id device) {
        try {
            return longInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG);
        } catch (CLException e) {
            return 0;
        }
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(device, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetDeviceInfo(device, param, buffer.length, Pointer.to(buffer), null);
        return new String(buffer, 0, Math.max(0, buffer.length - 1)).trim();
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(platform, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null);
        return new String(buffer, 0, Math.max(0, buffer.length - 1)).trim();
    }

    private static long longInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.cl_long, Pointer.to(value), null);
        return value[0];
    }

    private static int intInfo(cl_device_id device, int param) {
        int[] value = new int[1];
        clGetDeviceInfo(device, param, Sizeof.cl_int, Pointer.to(value), null);
        return value[0];
    }

    private static long sizeInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null);
        return value[0];
    }
}
