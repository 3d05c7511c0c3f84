package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.opencl.KernelFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Kernel files are built together as one program at start-up ({@link ClDevice#prebuild}), after one copy of
 * common.cl. A macro that two files define would then leak from one into the other without an error (an
 * {@code #ifndef} default would silently take the other file's value), so each macro name has one home.
 */
class KernelMacroClashTest {
    private static final Pattern DEFINE = Pattern.compile("^\\s*#\\s*define\\s+(\\w+)", Pattern.MULTILINE);

    @Test
    void noTwoKernelFilesDefineTheSameMacro() {
        List<String> files = new ArrayList<>(List.of(KernelSource.COMMON));
        for (KernelFile file : KernelFile.values()) {
            files.add(file.fileName());
        }
        Map<String, String> home = new HashMap<>();
        Map<String, String> clashes = new TreeMap<>();
        for (String file : files) {
            Matcher m = DEFINE.matcher(KernelSource.read(file));
            while (m.find()) {
                String other = home.putIfAbsent(m.group(1), file);
                if (other != null && !other.equals(file)) {
                    clashes.put(m.group(1), other + " and " + file);
                }
            }
        }
        assertEquals(Map.of(), clashes, "macros defined in two files");
    }
}
