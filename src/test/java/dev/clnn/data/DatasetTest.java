package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetTest {
    @Test
    void holdsSamplesWithTheirShape() {
        Dataset d = new Dataset(new float[12], new int[] {0, 2}, 2, new int[] {1, 2, 3}, 3);
        assertEquals(2, d.n());
        assertEquals(6, d.features());
        assertArrayEquals(new int[] {1, 2, 3}, d.sampleShape());
    }

    @Test
    void sampleShapeCannotBeChangedFromOutside() {
        int[] shape = {1, 2, 2};
        Dataset d = new Dataset(new float[4], new int[] {0}, 1, shape, 2);
        shape[0] = 7;
        d.sampleShape()[1] = 7;
        assertArrayEquals(new int[] {1, 2, 2}, d.sampleShape());
    }

    @Test
    void wrongFeatureLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset(new float[11], new int[] {0, 1}, 2, new int[] {1, 2, 3}, 3));
        assertTrue(e.getMessage().contains("11"), e.getMessage());
    }

    @Test
    void wrongLabelCountIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset(new float[6], new int[] {0}, 2, new int[] {3}, 3));
    }

    @Test
    void outOfRangeLabelNamesFirstBadIndexAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset(new float[4], new int[] {1, 0, 10, -1}, 4, new int[] {1}, 10));
        assertTrue(e.getMessage().contains("y[2] = 10"), e.getMessage());
    }
}
