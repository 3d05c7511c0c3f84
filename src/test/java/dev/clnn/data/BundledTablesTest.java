package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two bundled tabular data sets (data/iris, data/diabetes) read as their READMEs describe them. */
class BundledTablesTest {
    @Test
    void irisHasFourMeasurementsAndThreeSpeciesOfFifty() {
        TabularData iris = CsvTable.read(Path.of("data/iris/iris.csv"), CsvTable.Columns.label("species"));
        assertEquals(150, iris.rows());
        assertEquals(List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), iris.featureNames());
        TabularData.ClassLabels species = assertInstanceOf(TabularData.ClassLabels.class, iris.target());
        assertEquals(List.of("setosa", "versicolor", "virginica"), species.classNames());
        int[] counts = new int[3];
        for (int label : species.labels()) {
            counts[label]++;
        }
        assertArrayEquals(new int[] {50, 50, 50}, counts);
        // The first flower of Fisher's table: 5.1, 3.5, 1.4, 0.2, setosa.
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, java.util.Arrays.copyOf(iris.x(), 4));
        assertEquals(0, species.labels()[0]);
    }

    @Test
    void diabetesHasTenBaselineVariablesAndTheProgressionTarget() {
        TabularData diabetes = CsvTable.read(Path.of("data/diabetes/diabetes.csv"),
                CsvTable.Columns.targets("progression"));
        assertEquals(442, diabetes.rows());
        assertEquals(List.of("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"),
                diabetes.featureNames());
        TabularData.FloatTargets progression = assertInstanceOf(TabularData.FloatTargets.class, diabetes.target());
        assertEquals(List.of("progression"), progression.names());
        // First patient: 59 years, sex 2, bmi 32.1, …; progression 151.
        assertEquals(59f, diabetes.x()[0]);
        assertEquals(32.1f, diabetes.x()[2]);
        assertEquals(151f, progression.values()[0]);
    }
}
