package dev.clnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The table of runtime dependencies in docs/licences.md is what Maven resolves: the same artifacts and versions, the
 * same optional ones, and for each the licence its POM names (or the nearest parent POM's, as Maven inherits it).
 * Maven's resolution comes from target/runtime-dependencies.txt, which the build writes before the tests
 * (dependency:list in pom.xml); the POMs from the local repository the jars were resolved into.
 */
class DependencyLicencesTest {
    private static final Path RESOLVED = Path.of("target/runtime-dependencies.txt");
    private static final Path TABLE = Path.of("docs/licences.md");
    /** A line of dependency:list with absolute file names: group:artifact:jar:version:scope:/path/to.jar [(optional)]. */
    private static final Pattern LISTED = Pattern.compile(
            "^\\s*([^:\\s]+):([^:\\s]+):jar:([^:\\s]+):(?:compile|runtime):(\\S+?\\.jar)( \\(optional\\))?");
    private static final Pattern ROW = Pattern.compile(
            "^\\| ([^|:\\s]+):([^|\\s]+) \\| ([^|\\s]+) \\| ([^|]+?) \\| ([^|\\s]+) \\| ([^|]+?) \\|$");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    record Resolved(String version, Path jar, boolean optional) {
    }

    record Row(String version, String licence, boolean optional) {
    }

    @Test
    void theTableListsEveryRuntimeDependencyWithTheLicenceItsPomNames() throws IOException {
        assertTrue(Files.exists(RESOLVED), RESOLVED + " is written by the build (mvn test); run the tests through Maven");
        Map<String, Resolved> resolved = resolved();
        Map<String, Row> table = table();
        assertFalse(resolved.isEmpty(), "nothing parsed from " + RESOLVED);
        assertEquals(resolved.keySet(), table.keySet(), "the artifacts of " + TABLE + " against Maven's resolution");
        for (Map.Entry<String, Resolved> e : resolved.entrySet()) {
            String artifact = e.getKey();
            Resolved r = e.getValue();
            Row row = table.get(artifact);
            assertEquals(r.version(), row.version(), artifact + "'s version in " + TABLE);
            assertEquals(r.optional(), row.optional(), artifact + " optional in Maven, and '(optional)' in " + TABLE);
            List<String> licences = licences(r.jar(), artifact);
            assertFalse(licences.isEmpty(), artifact + ": no licence in its POM or any parent POM");
            assertEquals(licences.get(0), row.licence(), artifact + "'s licence as its POM names it");
        }
    }

    private static Map<String, Resolved> resolved() throws IOException {
        Map<String, Resolved> resolved = new TreeMap<>();
        for (String line : Files.readAllLines(RESOLVED)) {
            Matcher m = LISTED.matcher(ANSI.matcher(line).replaceAll(""));
            if (m.find()) {
                resolved.put(m.group(1) + ":" + m.group(2),
                        new Resolved(m.group(3), Path.of(m.group(4)), m.group(5) != null));
            }
        }
        return resolved;
    }

    private static Map<String, Row> table() throws IOException {
        Map<String, Row> rows = new TreeMap<>();
        for (String line : Files.readAllLines(TABLE)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.put(m.group(1) + ":" + m.group(2),
                        new Row(m.group(3), m.group(4), m.group(6).contains("(optional)")));
            }
        }
        return rows;
    }

    /** The licence names of the POM beside {@code jar}, or of its nearest parent that names any. */
    private static List<String> licences(Path jar, String artifact) throws IOException {
        Path pom = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", ".pom"));
        // .../repository/<group as folders>/<artifact>/<version>/<file>: the repository is above the group
        String group = artifact.substring(0, artifact.indexOf(':'));
        Path repository = jar.getParent().getParent().getParent();
        for (int i = 0; i < group.split("\\.").length; i++) {
            repository = repository.getParent();
        }
        for (int depth = 0; depth < 10; depth++) {
            assertTrue(Files.exists(pom), "no POM at " + pom);
            String text = Files.readString(pom);
            List<String> names = new ArrayList<>();
            Matcher licence = Pattern.compile("<license>\\s*<name>([^<]+)</name>").matcher(text);
            while (licence.find()) {
                names.add(licence.group(1).trim());
            }
            if (!names.isEmpty()) {
                return names;
            }
            Matcher parent = Pattern.compile("<parent>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)"
                    + "</artifactId>\\s*<version>([^<]+)</version>").matcher(text);
            if (!parent.find()) {
                return names;
            }
            String g = parent.group(1).trim();
            String a = parent.group(2).trim();
            String v = parent.group(3).trim();
            pom = repository.resolve(g.replace('.', '/')).resolve(a).resolve(v).resolve(a + "-" + v + ".pom");
        }
        return List.of();
    }
}
