package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md and the command line agree: every command and option the page names exists, and every command and
 * option of the command line is on the page.
 *
 * <p>What counts as named, in docs/cli.md:
 * <ul>
 *   <li>A command is a level-2 heading of the form {@code ## clnn WORDS} (e.g. {@code ## clnn bench gemm}); its
 *       section runs to the next level-2 heading. The part before the first such heading is the section of the root
 *       command, {@code clnn} itself.</li>
 *   <li>An option is any token {@code --name} (letters, digits and hyphens after the two hyphens) anywhere in a
 *       section: tables, code spans, code blocks and prose alike. In a command's section it must be an option of that
 *       command; to mention another command's option, link to that command's section instead. In a level-2 section
 *       that is not a command (e.g. {@code ## Device selectors}) it must be an option of some command.</li>
 * </ul>
 * The reverse: every command of the tree (sub-commands of sub-commands included) has its section, and every option
 * of a command appears in its section under at least one of its names (a short name such as {@code -h} does not
 * count; its long name does).
 */
class CliDocsTest {
    /** The page, relative to the Maven basedir, which is the working directory of the tests. */
    private static final Path PAGE = Path.of("docs", "cli.md");

    private static final Pattern COMMAND_HEADING = Pattern.compile("^## clnn((?: [a-z][a-z0-9-]*)+)\\s*$");
    private static final Pattern OPTION_TOKEN = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    @Test
    void everyCommandAndOptionTheCliPageNamesExists() throws IOException {
        List<String> problems = namedButMissing(Files.readString(PAGE), commands());
        assertTrue(problems.isEmpty(), PAGE + " names what the command line does not have:\n"
                + String.join("\n", problems));
    }

    @Test
    void everyCommandAndOptionOfTheCliIsOnThePage() throws IOException {
        List<String> problems = missingFromPage(Files.readString(PAGE), commands());
        assertTrue(problems.isEmpty(), PAGE + " leaves out what the command line has:\n"
                + String.join("\n", problems));
    }

    /** The check itself: a page naming an option a command lacks, or a command that does not exist, fails. */
    @Test
    void aNonExistentOptionOrCommandIsReportedWithItsCommand() {
        String page = String.join("\n",
                "# clnn",
                "Every command takes `--help`.",
                "## clnn train",
                "| `--epochs N` | passes |",
                "| `--epoch N` | a typo |",
                "## clnn bench gemm",
                "`clnn bench gemm --n 256 --budget 5`",
                "## clnn trian",
                "## Device selectors",
                "`--no-such-option` anywhere");
        List<String> problems = namedButMissing(page, commands());
        assertEquals(List.of(
                "line 5: --epoch is not an option of clnn train",
                "line 7: --budget is not an option of clnn bench gemm",
                "line 8: there is no command clnn trian",
                "line 10: --no-such-option is not an option of any clnn command"), problems);
    }

    /**
     * Every command of the tree by its full name ("clnn", "clnn train", "clnn bench gemm"), with its options, each
     * as the list of its long names.
     */
    private static Map<String, List<List<String>>> commands() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        Map<String, List<List<String>>> commands = new LinkedHashMap<>();
        collect(ClnnCommand.commandLine(nowhere, false), commands);
        return commands;
    }

    private static void collect(CommandLine command, Map<String, List<List<String>>> into) {
        List<List<String>> options = new ArrayList<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            List<String> longNames = new ArrayList<>();
            for (String name : option.names()) {
                if (name.startsWith("--")) {
                    longNames.add(name);
                }
            }
            if (!longNames.isEmpty()) {
                options.add(longNames);
            }
        }
        into.put(command.getCommandSpec().qualifiedName(), options);
        command.getSubcommands().values().forEach(sub -> collect(sub, into));
    }

    private static Set<String> names(List<List<String>> options) {
        Set<String> names = new TreeSet<>();
        options.forEach(names::addAll);
        return names;
    }

    /** A section of the page: the command it documents (null for a section that is not a command), and its lines. */
    private record Section(String command, int firstLine, List<String> lines) {
    }

    private static List<Section> sections(String page) {
        List<Section> sections = new ArrayList<>();
        String command = "clnn";
        int first = 1;
        List<String> lines = new ArrayList<>();
        String[] all = page.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            if (line.startsWith("## ")) {
                sections.add(new Section(command, first, lines));
                Matcher heading = COMMAND_HEADING.matcher(line);
                command = heading.matches() ? "clnn" + heading.group(1) : null;
                first = i + 1;
                lines = new ArrayList<>();
            }
            lines.add(line);
        }
        sections.add(new Section(command, first, lines));
        return sections;
    }

    /** One line per command or option the page names that the command line lacks, with the line number. */
    static List<String> namedButMissing(String page, Map<String, List<List<String>>> commands) {
        Set<String> anyOption = new TreeSet<>();
        commands.values().forEach(options -> anyOption.addAll(names(options)));
        List<String> problems = new ArrayList<>();
        for (Section section : sections(page)) {
            if (section.command() != null && !commands.containsKey(section.command())) {
                problems.add("line " + section.firstLine() + ": there is no command " + section.command());
                continue;
            }
            Set<String> allowed = section.command() == null ? anyOption : names(commands.get(section.command()));
            String owner = section.command() == null ? "any clnn command" : section.command();
            for (int i = 0; i < section.lines().size(); i++) {
                Matcher token = OPTION_TOKEN.matcher(section.lines().get(i));
                while (token.find()) {
                    if (!allowed.contains(token.group())) {
                        problems.add("line " + (section.firstLine() + i) + ": " + token.group()
                                + " is not an option of " + owner);
                    }
                }
            }
        }
        return problems;
    }

    /** One line per command without a section and per option missing from its command's section. */
    static List<String> missingFromPage(String page, Map<String, List<List<String>>> commands) {
        Map<String, Set<String>> named = new LinkedHashMap<>();
        for (Section section : sections(page)) {
            if (section.command() == null) {
                continue;
            }
            Set<String> tokens = named.computeIfAbsent(section.command(), c -> new LinkedHashSet<>());
            for (String line : section.lines()) {
                Matcher token = OPTION_TOKEN.matcher(line);
                while (token.find()) {
                    tokens.add(token.group());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        commands.forEach((command, options) -> {
            if (!named.containsKey(command)) {
                problems.add(command + ": no section (a heading \"## " + command + "\")");
                return;
            }
            for (List<String> option : options) {
                if (option.stream().noneMatch(named.get(command)::contains)) {
                    problems.add(command + ": " + String.join(", ", option) + " is not in its section");
                }
            }
        });
        return problems;
    }
}
