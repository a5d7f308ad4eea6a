package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FeatureMatrixTest {
  /** 4 rows x 3 columns, value = 10 * row + column; row 2 has a missing value. */
  private static final float[] SOURCE = {
    0, 1, 2, //
    10, 11, 12, //
    20, Float.NaN, 22, //
    30, 31, 32
  };

  private static final byte[] LABELS = {0, 1, -1, 1};

  @Test
  void gathersTheChosenRowsInTheGivenOrder() {
    FeatureMatrix m = FeatureMatrix.gather(SOURCE, LABELS, 3, new int[] {3, 0, 2});

    assertEquals(3, m.rows());
    assertEquals(3, m.cols());
    assertArrayEquals(new float[] {30, 31, 32, 0, 1, 2, 20, Float.NaN, 22}, m.data());
    assertArrayEquals(new float[] {1, 0, -1}, m.labels());
    assertArrayEquals(new byte[] {1, 0, -1}, m.labelBytes());
  }

  @Test
  void repeatsARowListedTwice() {
    FeatureMatrix m = FeatureMatrix.gather(SOURCE, LABELS, 3, new int[] {1, 1});
    assertArrayEquals(new float[] {10, 11, 12, 10, 11, 12}, m.data());
    assertArrayEquals(new float[] {1, 1}, m.labels());
  }

  @Test
  void noRowsGivesAnEmptyMatrix() {
    FeatureMatrix m = FeatureMatrix.gather(SOURCE, LABELS, 3, new int[0]);
    assertEquals(0, m.rows());
    assertEquals(0, m.data().length);
    assertEquals(0, m.labelBytes().length);
  }

  @Test
  void copiesRatherThanAliasesTheSource() {
    float[] source = SOURCE.clone();
    FeatureMatrix m = FeatureMatrix.gather(source, LABELS, 3, new int[] {0});
    source[0] = 99;
    assertEquals(0f, m.data()[0]);
  }

  @Test
  void readsTheSourceAsRowMajorWithTheGivenWidth() {
    // The same 12 floats read as 6 rows of 2: row 4 is floats 8..9 = {22, 30}, row 5 {31, 32}.
    byte[] labels = {0, 0, 0, 0, 0, 1};
    FeatureMatrix m = FeatureMatrix.gather(SOURCE, labels, 2, new int[] {5, 4});
    assertArrayEquals(new float[] {31, 32, 22, 30}, m.data());
    assertArrayEquals(new float[] {1, 0}, m.labels());
  }

  @Test
  void rowOutsideTheSourceFails() {
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> FeatureMatrix.gather(SOURCE, LABELS, 3, new int[] {4}));
  }
}
