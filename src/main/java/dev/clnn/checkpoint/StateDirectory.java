package dev.clnn.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The states of one training run in one folder, a file per state named by its step
 * ({@code state-000000000375.safetensors}), the newest {@code keep} kept. A folder belongs to one run at a time.
 * Reading takes the newest intact state: a damaged one is reported and the one before it is used.
 */
public final class StateDirectory {
    private static final Pattern STATE = Pattern.compile("state-(\\d{12})\\.safetensors");
    /** What {@link dev.clnn.data.Safetensors#write} leaves behind when the process dies before its rename. */
    private static final Pattern UNFINISHED = Pattern.compile("\\.state-\\d{12}\\.safetensors\\.[0-9a-z]+\\.tmp");

    private final Path dir;
    private final int keep;

    /** A state read back, with the file it came from. */
    public record Loaded(Path file, TrainingState state) {
    }

    /** @param keep how many of the newest states to keep, ≥ 1 */
    public StateDirectory(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
        }
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes {@code state} as the file of its step (replacing one of the same step), then removes the oldest states
     * beyond {@code keep} and any unfinished file a killed write left.
     *
     * @return the file written
     * @throws UncheckedIOException naming the folder or file when it cannot be written
     */
    public Path write(TrainingState state) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
        Path file = dir.resolve(String.format(Locale.ROOT, "state-%012d.safetensors", state.position().steps()));
        StateFile.write(file, state);
        List<Path> states = states();
        for (Path old : states.subList(Math.min(keep, states.size()), states.size())) {
            delete(old);
        }
        for (Path unfinished : list(UNFINISHED)) {
            delete(unfinished);
        }
        return file;
    }

    /**
     * The newest state that reads back intact.
     *
     * @param notes told one line per damaged state skipped, naming it and what is wrong
     * @throws IllegalArgumentException when the folder holds no state, or none intact
     */
    public Loaded newestIntact(Consumer<String> notes) {
        List<Path> states = states();
        if (states.isEmpty()) {
            throw new IllegalArgumentException("no training state to resume in " + dir
                    + (Files.isDirectory(dir) ? "" : " (no such folder)"));
        }
        for (Path file : states) {
            try {
                return new Loaded(file, StateFile.read(file));
            } catch (DamagedStateException e) {
                notes.accept("checkpoint " + e.getMessage() + "; trying the one before it");
            }
        }
        throw new IllegalArgumentException("no intact training state in " + dir + ": all " + states.size()
                + " are damaged");
    }

    /** The state files, newest (highest step) first. */
    public List<Path> states() {
        List<Path> states = new ArrayList<>(list(STATE));
        states.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        return states;
    }

    private List<Path> list(Pattern pattern) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> pattern.matcher(p.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoint folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove old checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
