package dev.clnn.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** Checks on PNG files written by the plots. */
public final class PngAssertions {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngAssertions() {
    }

    /** The file is a PNG of the given size with more than one colour, and its folder holds no temporary file. */
    public static BufferedImage assertPng(Path file, int width, int height) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, PNG_MAGIC.length), "PNG signature of " + file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "ImageIO cannot decode " + file);
        assertEquals(width, image.getWidth(), "width");
        assertEquals(height, image.getHeight(), "height");
        int first = image.getRGB(0, 0);
        boolean drawn = false;
        for (int y = 0; y < height && !drawn; y += 3) {
            for (int x = 0; x < width && !drawn; x += 3) {
                drawn = image.getRGB(x, y) != first;
            }
        }
        assertTrue(drawn, "the image is one flat colour");
        try (var files = Files.list(file.toAbsolutePath().getParent())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file is left");
        }
        return image;
    }
}
