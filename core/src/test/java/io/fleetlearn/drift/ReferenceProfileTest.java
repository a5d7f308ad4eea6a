package io.fleetlearn.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ReferenceProfileTest {

  /** 10 rows; rows 0-5 labelled, 6-9 unlabelled; feature = row number; score = row / 10. */
  private static WindowSample sample() {
    WindowSample s = new WindowSample(1, 100);
    for (int i = 0; i < 10; i++) {
      byte label = i < 6 ? (byte) (i % 2) : SensorEvent.UNLABELLED;
      s.add(new SensorEvent("m", 1000 + i, new float[] {i}, label));
    }
    return s;
  }

  private static float[] scoresOf(WindowSample s) {
    float[] scores = new float[s.size()];
    for (int i = 0; i < s.size(); i++) {
      scores[i] = s.feature(i, 0) / 10f;
    }
    return scores;
  }

  private static int rowOf(WindowSample s, float value) {
    for (int i = 0; i < s.size(); i++) {
      if (s.feature(i, 0) == value) {
        return i;
      }
    }
    throw new AssertionError(value);
  }

  @Test
  void theScoreReferenceHoldsOnlyRowsTheModelWasNotTrainedOn() {
    WindowSample s = sample();
    // Rows 2 and 3 (by value) are the holdout; 0, 1, 4, 5 trained the model.
    int[] holdout = {rowOf(s, 2), rowOf(s, 3)};

    ReferenceProfile p = ReferenceProfile.of(s, scoresOf(s), holdout);

    assertArrayEquals(new float[] {0.2f, 0.3f, 0.6f, 0.7f, 0.8f, 0.9f}, p.scoreQuantiles());
    assertEquals(6, p.scoreRows());
    assertEquals(10, p.rows());
    assertEquals(6, p.labelled());
    assertEquals(3, p.positives());
    assertEquals(10, p.quantiles(0).length, "the features keep every row");
  }

  @Test
  void roundTripsThroughTheCoder() throws IOException {
    WindowSample s = sample();
    ReferenceProfile p = ReferenceProfile.of(s, scoresOf(s), new int[] {rowOf(s, 2)});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReferenceProfileCoder.of().encode(p, out);

    ReferenceProfile back =
        ReferenceProfileCoder.of().decode(new ByteArrayInputStream(out.toByteArray()));

    assertArrayEquals(p.scoreQuantiles(), back.scoreQuantiles());
    assertArrayEquals(p.scoreCounts(), back.scoreCounts());
    assertArrayEquals(p.counts(0), back.counts(0));
    assertArrayEquals(p.quantiles(0), back.quantiles(0));
    assertEquals(p.bins(0), back.bins(0));
    assertEquals(p.positives(), back.positives());
  }

  @Test
  void aProfileInTheFirstFormatDecodesWithoutScoreQuantiles() throws IOException {
    // The first format: dim, then per feature edges, counts, quantiles; rows, labelled,
    // positives; score edges and counts (of every row, trained on or not).
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(1);
    floats(d, 5f);
    longs(d, 6, 4, 0);
    floats(d, 0f, 5f, 9f);
    d.writeLong(10);
    d.writeLong(6);
    d.writeLong(3);
    floats(d, 0.5f);
    longs(d, 6, 4, 0);
    d.flush();

    ReferenceProfile p =
        ReferenceProfileCoder.of().decode(new ByteArrayInputStream(bytes.toByteArray()));

    assertEquals(1, p.dim());
    assertArrayEquals(new float[] {5f}, p.bins(0).edges());
    assertArrayEquals(new long[] {6, 4, 0}, p.counts(0));
    assertEquals(10, p.rows());
    assertArrayEquals(new long[] {6, 4, 0}, p.scoreCounts());
    assertEquals(0, p.scoreQuantiles().length);
  }

  private static void floats(DataOutputStream d, float... v) throws IOException {
    d.writeInt(v.length);
    for (float x : v) {
      d.writeFloat(x);
    }
  }

  private static void longs(DataOutputStream d, long... v) throws IOException {
    d.writeInt(v.length);
    for (long x : v) {
      d.writeLong(x);
    }
  }
}
