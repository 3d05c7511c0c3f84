package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private static final List<String> TRAIN = List.of("--model", "--data", "--epochs", "--batch", "--lr",
            "--momentum", "--nesterov", "--weight-decay", "--schedule", "--warmup", "--seed", "--save", "--metrics",
            "--plot", "--quiet", "--continue-on-nan", "-h", "--help", "--debug", "--device");

    @Test
    void oneEditAwayIsSuggested() {
        assertEquals(List.of("--epochs"), Suggestions.nearest("--epoch", TRAIN));
        assertEquals(List.of("--seed"), Suggestions.nearest("--sed", TRAIN));
        assertEquals(List.of("--lr"), Suggestions.nearest("--lrr", TRAIN));
    }

    @Test
    void swappedNeighboursCountAsOneEdit() {
        assertEquals(1, Suggestions.distance("trian", "train"));
        assertEquals(List.of("train"), Suggestions.nearest("trian", List.of("devices", "train", "eval")));
    }

    @Test
    void longerNamesAllowTwoEditsAndTiesAreAllNamed() {
        assertEquals(List.of("--momentum"), Suggestions.nearest("--momentun", TRAIN));
        assertEquals(List.of("--nesterov"), Suggestions.nearest("--nestrov", TRAIN));
        assertEquals(List.of("--bat", "--car"), Suggestions.nearest("--cat", List.of("--bat", "--car", "--dog")));
        assertEquals("--save or --data", Suggestions.either(List.of("--save", "--data")));
        assertEquals("a, b or c", Suggestions.either(List.of("a", "b", "c")));
    }

    @Test
    void aPrefixEitherWayIsSuggestedWhenNoNameIsOneOrTwoEditsAway() {
        assertEquals(List.of("--batch"), Suggestions.nearest("--batch-size", TRAIN));
        assertEquals(List.of("--continue-on-nan"), Suggestions.nearest("--continue", TRAIN));
    }

    @Test
    void shortOrDistantNamesGetNoSuggestion() {
        assertEquals(List.of(), Suggestions.nearest("--n", List.of("-h", "--help", "--debug")));
        assertEquals(List.of(), Suggestions.nearest("--xyz", TRAIN));
        assertEquals(List.of(), Suggestions.nearest("fly", List.of("devices", "train", "eval", "step")));
    }

    @Test
    void caseAndDashesDoNotCount() {
        assertEquals(List.of("train"), Suggestions.nearest("TRAIN", List.of("devices", "train")));
        assertEquals(List.of("--epochs"), Suggestions.nearest("-epochs", TRAIN));
    }
}
