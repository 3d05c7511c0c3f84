package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where --data points and what the options around it say: formats, the test set, standardization, class names. */
class DataSourceTest {
    private static final BiConsumer<Path, TabularData> ANY = (file, table) -> { };

    @TempDir
    Path tmp;

    private static DataSource csv(Path data, String label, Path test, boolean standardize) {
        return new DataSource(data, null, label, List.of(), List.of(), test, DataSource.DEFAULT_TEST_FRACTION,
                standardize);
    }

    @Test
    void aTestFileNumbersItsClassesAsTheTrainingFileDoes() throws IOException {
        // The training file has classes a < b < c; the test file only b and c, which alone would be 0 and 1.
        Path train = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,a\n2,b\n3,c\n4,a\n");
        Path test = Files.writeString(tmp.resolve("test.csv"), "x,y\n5,c\n6,b\n");
        DataSource.Tables t = (DataSource.Tables) csv(train, "y", test, false).read(1, ANY);
        TabularData.ClassLabels labels = (TabularData.ClassLabels) t.test().target();
        assertEquals(List.of("a", "b", "c"), labels.classNames());
        assertArrayEquals(new int[] {2, 1}, labels.labels());
        assertEquals(4, t.train().rows());
    }

    @Test
    void aTestClassTheTrainingFileLacksIsNamed() throws IOException {
        Path train = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,a\n2,b\n");
        Path test = Files.writeString(tmp.resolve("test.csv"), "x,y\n5,a\n6,z\n");
        DataFileException e = assertThrows(DataFileException.class,
                () -> csv(train, "y", test, false).read(1, ANY));
        assertEquals(test + ": row 2: class \"z\" does not occur in " + train + ", whose classes are [a, b]",
                e.getMessage());
    }

    @Test
    void standardizationUsesTheTrainingRowsOnly() throws IOException {
        Path train = Files.writeString(tmp.resolve("train.csv"), "x,y\n1,0\n3,1\n");
        Path test = Files.writeString(tmp.resolve("test.csv"), "x,y\n5,0\n");
        DataSource.Tables t = (DataSource.Tables) csv(train, "y", test, true).read(1, ANY);
        // Training mean 2, population std 1: the test row 5 becomes 3, not a value fitted on all rows.
        assertArrayEquals(new float[] {2f}, t.standardization().mean());
        assertArrayEquals(new float[] {1f}, t.standardization().std());
        assertArrayEquals(new float[] {-1f, 1f}, t.train().x());
        assertArrayEquals(new float[] {3f}, t.test().x());
        assertNull(((DataSource.Tables) csv(train, "y", test, false).read(1, ANY)).standardization());
    }

    @Test
    void aSplitIsSeededAndTheCheckSeesTheWholeFile() throws IOException {
        StringBuilder rows = new StringBuilder("x,y\n");
        for (int i = 0; i < 50; i++) {
            rows.append(i).append(',').append(i % 2).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("t.csv"), rows);
        int[] seen = new int[1];
        DataSource.Tables a = (DataSource.Tables) csv(file, "y", null, false).read(4,
                (f, table) -> seen[0] = table.rows());
        DataSource.Tables b = (DataSource.Tables) csv(file, "y", null, false).read(4, ANY);
        assertEquals(50, seen[0]);
        assertEquals(10, a.test().rows());
        assertArrayEquals(a.test().x(), b.test().x());
    }

    @Test
    void formatsGoByNameOrByFormat() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("arrays"));
        Files.write(folder.resolve("x.npy"), NumpyArraysTest.npy("<f4", new int[] {3, 1}, NumpyArraysTest.f4(1, 2,
                3)));
        Files.write(folder.resolve("y.npy"), NumpyArraysTest.npy("<i8", new int[] {3}, NumpyArraysTest.i8(0, 1,
                0)));
        DataSource arrays = DataSource.of(folder);
        assertEquals(3, ((DataSource.Tables) arrays.read(1, ANY)).train().rows()
                + ((DataSource.Tables) arrays.read(1, ANY)).test().rows());
        DataSource oneFile = DataSource.of(folder.resolve("x.npy"));
        assertEquals(2, ((DataSource.Tables) oneFile.read(1, ANY)).train().rows());

        Path odd = Files.writeString(tmp.resolve("table.txt"), "x,y\n1,0\n2,0\n3,1\n4,1\n");
        DataFileException unknown = assertThrows(DataFileException.class, () -> DataSource.of(odd).read(1, ANY));
        assertTrue(unknown.getMessage().startsWith(odd + ": unknown data format"), unknown.getMessage());
        DataSource asCsv = new DataSource(odd, "csv", "y", List.of(), List.of(), null, 0.5, false);
        assertEquals(2, ((DataSource.Tables) asCsv.read(1, ANY)).test().rows());
    }

    @Test
    void optionsThatDoNotFitTheDataAreRefused() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("mnist"));
        IllegalArgumentException onIdx = assertThrows(IllegalArgumentException.class,
                () -> csv(idx, "y", null, false).read(1, ANY));
        assertTrue(onIdx.getMessage().contains("a folder of MNIST IDX files has its labels and test set"),
                onIdx.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DataSource(null, null, "y", List.of(), List.of(), null,
                0.2, false));
        assertThrows(IllegalArgumentException.class, () -> new DataSource(idx, "xlsx", null, List.of(), List.of(),
                null, 0.2, false));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> new DataSource(idx, null,
                "y", List.of("t"), List.of(), null, 0.2, false));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        Path npz = tmp.resolve("d.npz");
        Files.write(npz, new byte[0]);
        IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
                () -> new DataSource(npz, null, "y", List.of(), List.of(), null, 0.2, false).read(1, ANY));
        assertTrue(columns.getMessage().contains("name CSV columns; a npz file holds arrays x and y"),
                columns.getMessage());
        Path one = Files.writeString(tmp.resolve("one.csv"), "x,y\n1,0\n");
        DataFileException single = assertThrows(DataFileException.class,
                () -> csv(one, "y", null, false).read(1, ANY));
        assertTrue(single.getMessage().contains("1 row: a split into training and test rows needs at least 2"),
                single.getMessage());
    }
}
