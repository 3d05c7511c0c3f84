package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.device.KernelSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The registry ({@link KernelFile}, {@link Kernels}) against the sources in kernels/, read as text: no OpenCL runtime
 * needed. Every {@code -D} the host sets has an {@code #ifndef} default in its file and no file has a tunable the host
 * cannot set; every {@code __kernel} is in the registry and every entry names a kernel of its file.
 */
class KernelFileTest {
    private static final Pattern IFNDEF = Pattern.compile("(?m)^#ifndef\\s+(\\w+)");
    private static final Pattern KERNEL = Pattern.compile("__kernel\\b[^;{]*?\\bvoid\\s+(\\w+)\\s*\\(");

    @Test
    void everyKernelFileIsListedAndEveryListedFileExists() throws IOException {
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(Path.of("kernels"))) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".cl"))
                    .filter(f -> !f.equals(KernelSource.COMMON)).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> listed = Stream.of(KernelFile.values()).map(KernelFile::fileName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(onDisk, listed);
    }

    @Test
    void theHostSetsExactlyTheMacrosEachFileDefaultsWithIfndef() {
        for (KernelFile file : KernelFile.values()) {
            Set<String> inSource = matches(IFNDEF, KernelSource.read(file.fileName()));
            Set<String> fromHost = file.defines().stream().map(Enum::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(inSource, fromHost, file.fileName());
        }
    }

    @Test
    void theRegistryListsEveryKernelOfEveryFileAndNoOther() {
        for (KernelFile file : KernelFile.values()) {
            Set<String> inSource = matches(KERNEL, KernelSource.read(file.fileName()));
            Set<String> listed = Stream.of(Kernels.values()).filter(k -> k.file() == file).map(Kernels::kernelName)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(inSource, listed, file.fileName());
        }
    }

    private static Set<String> matches(Pattern pattern, String source) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
