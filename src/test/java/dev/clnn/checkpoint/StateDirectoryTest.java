package dev.clnn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void keepsTheNewestStatesByStepAndRemovesUnfinishedWrites() throws IOException {
        Path dir = tmp.resolve("ck");
        StateDirectory states = new StateDirectory(dir, 2);
        states.write(StateFileTest.sample(9));
        Files.writeString(dir.resolve(".state-000000000010.safetensors.abc123.tmp"), "a write killed half way");
        states.write(StateFileTest.sample(10));
        states.write(StateFileTest.sample(100)); // sorts after 10 and 9 by number, not by text
        assertEquals(List.of(dir.resolve("state-000000000100.safetensors"), dir.resolve("state-000000000010.safetensors")),
                states.states());
        assertFalse(Files.exists(dir.resolve(".state-000000000010.safetensors.abc123.tmp")));
    }

    @Test
    void aDamagedNewestStateIsReportedAndThePreviousOneUsed() throws IOException {
        Path dir = tmp.resolve("ck");
        StateDirectory states = new StateDirectory(dir, 3);
        states.write(StateFileTest.sample(4));
        Path newest = states.write(StateFileTest.sample(8));
        Files.write(newest, new byte[] {1, 2, 3});
        List<String> notes = new ArrayList<>();
        StateDirectory.Loaded loaded = states.newestIntact(notes::add);
        assertEquals(dir.resolve("state-000000000004.safetensors"), loaded.file());
        assertEquals(4, loaded.state().position().steps());
        assertEquals(List.of("checkpoint " + newest + ": unreadable: file is 3 bytes, too short for the 8-byte"
                + " header length; trying the one before it"), notes);
    }

    @Test
    void nothingToResumeIsAClearError() throws IOException {
        Path dir = tmp.resolve("ck");
        assertEquals("no training state to resume in " + dir + " (no such folder)",
                assertThrows(IllegalArgumentException.class, () -> new StateDirectory(dir, 3).newestIntact(n -> { }))
                        .getMessage());
        Files.createDirectories(dir);
        Files.write(dir.resolve("state-000000000001.safetensors"), new byte[0]);
        assertEquals("no intact training state in " + dir + ": all 1 are damaged",
                assertThrows(IllegalArgumentException.class, () -> new StateDirectory(dir, 3).newestIntact(n -> { }))
                        .getMessage());
    }

    @Test
    void keepMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new StateDirectory(tmp, 0));
    }
}
