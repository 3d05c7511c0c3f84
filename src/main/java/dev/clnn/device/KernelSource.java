package dev.clnn.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the OpenCL sources shipped as classpath resources under /kernels (built from the top-level kernels/ folder).
 * Every program is compiled as common.cl followed by its own file.
 */
public final class KernelSource {
    /** Shared helpers and pragmas, prepended to every program. */
    public static final String COMMON = "common.cl";

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private KernelSource() {
    }

    /** The text of kernels/{file}; a missing resource is an error naming the path. */
    public static String read(String file) {
        return CACHE.computeIfAbsent(file, KernelSource::load);
    }

    /** The full program text for a file: common.cl, then the file, with line markers for readable build logs. */
    public static String program(String file) {
        return program(List.of(file));
    }

    /**
     * One program of several files: common.cl once, then each file in turn, with line markers. The files must not
     * define the same macro or function; each file's {@code #ifndef} defaults would otherwise see another's value.
     */
    public static String program(List<String> files) {
        StringBuilder text = new StringBuilder("#line 1 \"" + COMMON + "\"\n" + read(COMMON));
        for (String file : files) {
            text.append("\n#line 1 \"").append(file).append("\"\n").append(read(file));
        }
        return text.toString();
    }

    private static String load(String file) {
        String path = "/kernels/" + file;
        try (InputStream in = KernelSource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + path + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + path, e);
        }
    }
}
