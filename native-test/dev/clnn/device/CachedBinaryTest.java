package dev.clnn.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The kernel cache's file format alone, without a driver: everything but an intact entry for its key is refused. */
class CachedBinaryTest {
    private static final String KEY = "3f".repeat(32);

    private static byte[] payload() {
        byte[] payload = new byte[300];
        new SplittableRandom(11).nextBytes(payload);
        return payload;
    }

    @Test
    void anIntactEntryGivesBackItsPayload() throws CachedBinary.InvalidEntryException {
        assertArrayEquals(payload(), CachedBinary.decode(CachedBinary.encode(KEY, payload()), KEY));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] entry = CachedBinary.encode(KEY, payload());
        for (int length = 0; length < entry.length; length++) {
            byte[] cut = Arrays.copyOf(entry, length);
            assertThrows(CachedBinary.InvalidEntryException.class, () -> CachedBinary.decode(cut, KEY),
                    "truncated to " + length + " bytes");
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] entry = CachedBinary.encode(KEY, payload());
        for (int i = 0; i < entry.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = entry.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThrows(CachedBinary.InvalidEntryException.class, () -> CachedBinary.decode(flipped, KEY),
                        "bit " + bit + " of byte " + i + " flipped");
            }
        }
    }

    @Test
    void anEntryForAnotherKeyIsRefusedSayingSo() {
        byte[] entry = CachedBinary.encode("0a".repeat(32), payload());
        CachedBinary.InvalidEntryException e = assertThrows(CachedBinary.InvalidEntryException.class,
                () -> CachedBinary.decode(entry, KEY));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
    }

    @Test
    void extraBytesAfterThePayloadAreRefused() {
        byte[] entry = CachedBinary.encode(KEY, payload());
        byte[] longer = Arrays.copyOf(entry, entry.length + 1);
        assertThrows(CachedBinary.InvalidEntryException.class, () -> CachedBinary.decode(longer, KEY));
    }
}
