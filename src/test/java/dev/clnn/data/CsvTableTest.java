package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clnn.data.CsvTable.Columns;
import dev.clnn.data.TabularData.ClassLabels;
import dev.clnn.data.TabularData.FloatTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
    @TempDir
    Path dir;

    private Path csv(String text) {
        Path file = dir.resolve("data.csv");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Reading text with these columns fails with exactly this problem after the file's path. */
    private void fails(String text, Columns columns, String problem) {
        Path file = csv(text);
        DataFileException e = assertThrows(DataFileException.class, () -> CsvTable.read(file, columns));
        assertEquals(file + ": " + problem, e.getMessage());
    }

    private static ClassLabels labels(TabularData t) {
        return (ClassLabels) t.target();
    }

    private static FloatTargets floats(TabularData t) {
        return (FloatTargets) t.target();
    }

    // ---- reading ----

    @Test
    void integerLabelsAreTheClassesThemselves() {
        TabularData t = CsvTable.read(csv("a,b,y\n1,2,0\n3.5,-4,2\n5e1,6,0\n"), Columns.label("y"));
        assertEquals(3, t.rows());
        assertEquals(List.of("a", "b"), t.featureNames());
        assertArrayEquals(new float[] {1, 2, 3.5f, -4, 50, 6}, t.x());
        assertArrayEquals(new int[] {0, 2, 0}, labels(t).labels());
        assertEquals(List.of("0", "1", "2"), labels(t).classNames()); // class 1 never occurs: max + 1 classes
    }

    @Test
    void labelColumnMayComeFirst() {
        TabularData t = CsvTable.read(csv("y,a\n1,0.25\n0,0.5"), Columns.label("y"));
        assertArrayEquals(new float[] {0.25f, 0.5f}, t.x());
        assertArrayEquals(new int[] {1, 0}, labels(t).labels());
    }

    @Test
    void stringLabelsMapToClassesInSortedOrder() {
        TabularData t = CsvTable.read(csv("x,species\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n"),
                Columns.label("species"));
        assertEquals(List.of("setosa", "versicolor", "virginica"), labels(t).classNames());
        assertArrayEquals(new int[] {1, 0, 2, 0}, labels(t).labels());
    }

    @Test
    void mixedNumericAndStringLabelsAreAllStrings() {
        TabularData t = CsvTable.read(csv("x,y\n1,10\n2,cat\n3,9\n"), Columns.label("y"));
        assertEquals(List.of("10", "9", "cat"), labels(t).classNames()); // String order: "10" < "9" < "cat"
        assertArrayEquals(new int[] {0, 2, 1}, labels(t).labels());
    }

    @Test
    void twoFloatTargetsForRegression() {
        TabularData t = CsvTable.read(csv("u,a,v,b\n1,2,3,4\n5,6,7,8\n"), Columns.targets("v", "u"));
        assertEquals(List.of("a", "b"), t.featureNames());
        assertArrayEquals(new float[] {2, 4, 6, 8}, t.x());
        assertEquals(List.of("v", "u"), floats(t).names());
        assertArrayEquals(new float[] {3, 1, 7, 5}, floats(t).values()); // in the order asked, not file order
    }

    @Test
    void featureSubsetInTheOrderGivenOthersIgnored() {
        TabularData t = CsvTable.read(csv("id,a,b,c,y\nrow-1,1,2,3,0\nrow-2,4,5,6,1\n"),
                Columns.label("y").withFeatures("c", "a"));
        assertEquals(List.of("c", "a"), t.featureNames());
        assertArrayEquals(new float[] {3, 1, 6, 4}, t.x()); // "id" is not numeric but not read either
        assertArrayEquals(new int[] {0, 1}, labels(t).labels());
    }

    @Test
    void quotingCrlfWhitespaceBomAndTrailingBlankLines() {
        String text = "\uFEFF\"a, b\" , \"say \"\"hi\"\"\",label\r\n"
                + " 1.5 ,\"2\",\"x, \"\"y\"\"\"\r\n"
                + "3,  4  ,\"two\nlines\"\r\n"
                + "5,6, plain \r\n"
                + "\r\n\n";
        TabularData t = CsvTable.read(csv(text), Columns.label("label"));
        assertEquals(List.of("a, b", "say \"hi\""), t.featureNames());
        assertArrayEquals(new float[] {1.5f, 2, 3, 4, 5, 6}, t.x());
        assertEquals(List.of("plain", "two\nlines", "x, \"y\""), labels(t).classNames());
        assertArrayEquals(new int[] {2, 1, 0}, labels(t).labels());
    }

    @Test
    void tenThousandRowsCrossTheGrowthSteps() {
        StringBuilder s = new StringBuilder("a,b,c,y\n");
        int rows = 10_000;
        for (int r = 0; r < rows; r++) {
            s.append(r).append(',').append(-r).append(',').append(r * 0.5f).append(',').append(r % 3).append('\n');
        }
        TabularData t = CsvTable.read(csv(s.toString()), Columns.label("y").withFeatures("c", "a"));
        assertEquals(rows, t.rows());
        for (int r = 0; r < rows; r += 997) {
            assertEquals(r * 0.5f, t.x()[2 * r], "row " + r);
            assertEquals(r, t.x()[2 * r + 1], "row " + r);
            assertEquals(r % 3, labels(t).labels()[r], "row " + r);
        }
    }

    // ---- errors: the file ----

    @Test
    void emptyFile() {
        fails("", Columns.label("y"), "empty file: expected a header row");
    }

    @Test
    void headerOnly() {
        fails("a,y\n", Columns.label("y"), "no data rows after the header on line 1");
        fails("a,y\n\n\n", Columns.label("y"), "no data rows after the header on line 1");
    }

    @Test
    void duplicateHeaderName() {
        fails("a,b,a,y\n1,2,3,0\n", Columns.label("y"),
                "line 1, column 3: duplicate column name \"a\" (also column 1)");
    }

    @Test
    void emptyHeaderName() {
        fails(",a,y\n0,1,0\n", Columns.label("y"), "line 1, column 1: empty column name");
    }

    @Test
    void missingColumnsListTheAvailableOnes() {
        String text = "a,b,y\n1,2,0\n";
        fails(text, Columns.label("class"), "line 1: no label column \"class\"; the columns are \"a\", \"b\", \"y\"");
        fails(text, Columns.targets("y", "z"), "line 1: no target column \"z\"; the columns are \"a\", \"b\", \"y\"");
        fails(text, Columns.label("y").withFeatures("a", "c"),
                "line 1: no feature column \"c\"; the columns are \"a\", \"b\", \"y\"");
    }

    @Test
    void noFeatureColumnLeft() {
        fails("y\n0\n", Columns.label("y"), "line 1: no feature columns: the header has only \"y\"");
    }

    @Test
    void raggedRowsSayExpectedAndFound() {
        fails("a,b,y\n1,2,0\n3,4\n", Columns.label("y"), "line 3: expected 3 fields as in the header, found 2");
        fails("a,b,y\n1,2,0,9\n", Columns.label("y"), "line 2: expected 3 fields as in the header, found 4");
    }

    @Test
    void blankLineBetweenRows() {
        fails("a,y\n1,0\n\n2,1\n", Columns.label("y"), "line 3: blank line between data rows");
    }

    @Test
    void nonNumericFeatureOrTarget() {
        fails("a,petal_width,y\n1,2,0\n1,abc,0\n", Columns.label("y"),
                "line 3, column \"petal_width\": \"abc\" is not a number");
        fails("a,t\n1,2\n3,4\n5,1.2.3\n", Columns.targets("t"), "line 4, column \"t\": \"1.2.3\" is not a number");
    }

    @Test
    void nanAndInfinitiesInAnySpellingAreErrors() {
        String notFinite = "is not a finite number (NaN and infinities are not allowed)";
        for (String bad : List.of("NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "+INF")) {
            fails("a,y\n1,0\n" + bad + ",1\n", Columns.label("y"),
                    "line 3, column \"a\": \"" + bad + "\" " + notFinite);
            fails("a,t\n1,0\n2," + bad + "\n", Columns.targets("t"),
                    "line 3, column \"t\": \"" + bad + "\" " + notFinite);
        }
        fails("a,y\n1e39,0\n", Columns.label("y"),
                "line 2, column \"a\": \"1e39\" is outside the float range (about ±3.4e38)");
    }

    @Test
    void emptyCells() {
        fails("a,b,y\n1,2,0\n1,,0\n", Columns.label("y"), "line 3, column \"b\": empty cell");
        fails("a,b,y\n1,2,0\n1, \"\" ,0\n", Columns.label("y"), "line 3, column \"b\": empty cell");
        fails("a,b,y\n1,2,\n", Columns.label("y"), "line 2, column \"y\": empty cell");
        fails("a,t\n1,\n", Columns.targets("t"), "line 2, column \"t\": empty cell");
    }

    @Test
    void numericLabelsMustBeWholeAndNonNegative() {
        fails("a,y\n1,0\n2,1\n3,1.5\n4,2.5\n", Columns.label("y"),
                "line 4, column \"y\": \"1.5\" is not an integer class (a label column of numbers must hold whole"
                        + " numbers >= 0)");
        fails("a,y\n1,0\n2,-1\n", Columns.label("y"),
                "line 3, column \"y\": \"-1\" is a negative class (classes are integers >= 0)");
        fails("a,y\n1,0\n2,nan\n", Columns.label("y"),
                "line 3, column \"y\": \"nan\" is not an integer class (a label column of numbers must hold whole"
                        + " numbers >= 0)");
        fails("a,y\n1,5000000\n", Columns.label("y"), "line 2, column \"y\": class 5000000 is above the limit "
                + CsvTable.MAX_CLASS);
    }

    @Test
    void errorLinesCountTheLinesOfAMultiLineQuotedField() {
        Columns columns = Columns.targets("t").withFeatures("a");
        fails("a,note,t\n1,\"two\nlines\",0\n2,x,bad\n", columns, "line 4, column \"t\": \"bad\" is not a number");
        fails("a,note,t\n1,\"two\nlines\",zz\n", columns, "line 2, column \"t\": \"zz\" is not a number");
    }

    @Test
    void quotingErrors() {
        fails("a,y\n1,\"open\n", Columns.label("y"), "line 2: a quoted field is not closed before the end of the file");
        fails("a,y\n\"1\"x,0\n", Columns.label("y"), "line 2, column \"a\": unexpected 'x' after a closing quote");
    }

    @Test
    void notUtf8() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, new byte[] {'a', ',', 'y', '\n', '1', ',', (byte) 0xE9, '\n'});
        DataFileException e = assertThrows(DataFileException.class, () -> CsvTable.read(file, Columns.label("y")));
        assertEquals(file + ": line 2: not UTF-8 text (or holds U+FFFD)", e.getMessage());
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.csv");
        DataFileException e = assertThrows(DataFileException.class, () -> CsvTable.read(file, Columns.label("y")));
        assertEquals(file + ": no such file", e.getMessage());
    }

    // ---- errors: the columns asked for ----

    @Test
    void labelOrTargetAlsoAFeatureIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Columns.label("y").withFeatures("a", "y"));
        assertEquals("column \"y\" is both a label and a feature", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Columns.targets("t", "u").withFeatures("u"));
        assertEquals("column \"u\" is both a target and a feature", e.getMessage());
    }

    @Test
    void exactlyOneOfLabelOrTargets() {
        assertThrows(IllegalArgumentException.class, () -> new Columns("y", List.of("t"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Columns(null, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Columns.targets("t", "t"));
        assertThrows(IllegalArgumentException.class, () -> Columns.label("y").withFeatures("a", "a"));
    }

    // ---- features only ----

    @Test
    void readFeaturesTakesTheNamedColumnsInTheirOrderOrEveryColumnButTheIgnoredOne() {
        Path file = csv("id,b,a,species\n1,2,3,x\n4,5,6,y\n");
        CsvTable.Features named = CsvTable.readFeatures(file, List.of("a", "b"), null);
        assertEquals(2, named.rows());
        assertEquals(List.of("a", "b"), named.names());
        assertArrayEquals(new float[] {3, 2, 6, 5}, named.x());
        Path numeric = csv("id,b,a\n1,2,3\n4,5,6\n");
        CsvTable.Features rest = CsvTable.readFeatures(numeric, List.of(), "id");
        assertEquals(List.of("b", "a"), rest.names());
        assertArrayEquals(new float[] {2, 3, 5, 6}, rest.x());
        DataFileException e = assertThrows(DataFileException.class,
                () -> CsvTable.readFeatures(numeric, List.of(), "label"));
        assertEquals(numeric + ": line 1: no label column \"label\"; the columns are \"id\", \"b\", \"a\"",
                e.getMessage());
        Path text = csv("a,species\n1,x\n");
        e = assertThrows(DataFileException.class, () -> CsvTable.readFeatures(text, List.of(), null));
        assertEquals(text + ": line 2, column \"species\": \"x\" is not a number", e.getMessage());
    }
}
