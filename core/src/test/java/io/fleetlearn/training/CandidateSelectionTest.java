package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The choice rule on candidates' validation scores, without training anything. */
class CandidateSelectionTest {
  private static final int N = 200;
  private static final byte[] LABELS = new byte[N];

  static {
    for (int i = 0; i < N; i++) {
      LABELS[i] = (byte) (i % 5 == 0 ? 1 : 0); // 40 defects
    }
  }

  /** Scores that rank the defects with roughly the given quality (0: random, 1: perfect). */
  private static float[] scores(double quality, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] s = new float[N];
    for (int i = 0; i < N; i++) {
      s[i] = (float) (quality * LABELS[i] + r.nextDouble());
    }
    return s;
  }

  private static float[] perturbed(float[] s, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = (float) (s[i] + 0.1 * r.nextDouble());
    }
    return out;
  }

  private static CandidateSelection.Choice choose(
      float[] own, float[] tuned, float[] fleet, double margin) {
    Map<ModelKind, float[]> m = new EnumMap<>(ModelKind.class);
    if (own != null) {
      m.put(ModelKind.OWN, own);
    }
    if (tuned != null) {
      m.put(ModelKind.FLEET_TUNED, tuned);
    }
    if (fleet != null) {
      m.put(ModelKind.FLEET, fleet);
    }
    return CandidateSelection.choose(m, LABELS, margin, 0.9, 7);
  }

  @Test
  void theFleetModelServesWhenNoCandidateClearlyBeatsIt() {
    float[] fleet = scores(0.8, 1);
    // The others are the fleet's scores plus a little noise of their own, as models that start
    // from the same data are: a higher AUC by luck at best.
    CandidateSelection.Choice c = choose(perturbed(fleet, 2), perturbed(fleet, 3), fleet, 0.01);
    assertEquals(ModelKind.FLEET, c.kind(), c.reason());
    assertEquals(3, c.validationAuc().size());
  }

  @Test
  void theTunedFleetModelServesWhenItBeatsTheFleetModelAndTheOwnModelDoesNotBeatIt() {
    float[] tuned = scores(1.5, 4);
    CandidateSelection.Choice c = choose(tuned, tuned, scores(0.3, 5), 0.01);
    assertEquals(ModelKind.FLEET_TUNED, c.kind(), c.reason());
    assertTrue(c.reason().contains("FLEET_TUNED beat FLEET"), c.reason());
  }

  @Test
  void theOwnModelServesWhenItBeatsBothByTheMarginInMostResamples() {
    CandidateSelection.Choice c = choose(scores(3, 6), scores(0.5, 7), scores(0.3, 8), 0.01);
    assertEquals(ModelKind.OWN, c.kind(), c.reason());
  }

  @Test
  void aGainBelowTheMarginKeepsTheFleetModel() {
    float[] fleet = scores(0.8, 9);
    float[] better = scores(1.0, 9); // same noise, stronger signal: higher AUC, every resample
    double gain = auc(better, LABELS, identity()) - auc(fleet, LABELS, identity());
    assertTrue(gain > 0, "gain " + gain);
    assertEquals(ModelKind.FLEET, choose(better, null, fleet, gain + 0.001).kind());
    assertEquals(ModelKind.OWN, choose(better, null, fleet, gain - 0.001).kind());
  }

  @Test
  void withoutTheFleetModelTheOwnModelServes() {
    assertEquals(ModelKind.OWN, choose(scores(0.1, 10), null, null, 0.01).kind());
  }

  private static int[] identity() {
    int[] r = new int[N];
    for (int i = 0; i < N; i++) {
      r[i] = i;
    }
    return r;
  }

  /** The bootstrap as it was written first: each resample's rows sorted for each candidate. */
  private static double winShareBySorting(float[] a, float[] b, byte[] labels, long seed) {
    int n = labels.length;
    int p = 0;
    for (byte y : labels) {
      p += y;
    }
    int[] pos = new int[p];
    int[] neg = new int[n - p];
    for (int i = 0, ip = 0, in = 0; i < n; i++) {
      if (labels[i] == 1) {
        pos[ip++] = i;
      } else {
        neg[in++] = i;
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] rows = new int[n];
    int wins = 0;
    for (int r = 0; r < CandidateSelection.RESAMPLES; r++) {
      for (int i = 0; i < pos.length; i++) {
        rows[i] = pos[rnd.nextInt(pos.length)];
      }
      for (int i = 0; i < neg.length; i++) {
        rows[pos.length + i] = neg[rnd.nextInt(neg.length)];
      }
      if (auc(a, labels, rows) > auc(b, labels, rows)) {
        wins++;
      }
    }
    return (double) wins / CandidateSelection.RESAMPLES;
  }

  @Test
  void theOnePassBootstrapGivesTheSameShareAsSortingEachResample() {
    for (long seed = 1; seed <= 20; seed++) {
      float[] a = scores(0.3 + seed * 0.02, seed);
      float[] b = scores(0.4, seed + 100);
      // Ties within and across classes: round some scores coarsely.
      for (int i = 0; i < N; i += 3) {
        a[i] = Math.round(a[i] * 4) / 4f;
        b[i] = Math.round(b[i] * 4) / 4f;
      }
      assertEquals(
          winShareBySorting(a, b, LABELS, seed),
          CandidateSelection.winShare(
              new CandidateSelection.Ranked(a, N),
              new CandidateSelection.Ranked(b, N),
              LABELS,
              seed),
          0.0,
          "seed " + seed);
    }
  }

  /**
   * Mann-Whitney AUC of the rows {@code rows} (repeats allowed), ties counted half, by sorting
   * them: the reference the one-pass bootstrap is checked against.
   */
  private static double auc(float[] scores, byte[] labels, int[] rows) {
    int n = rows.length;
    long[] keys = new long[n];
    long positives = 0;
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      int bits = Float.floatToRawIntBits(scores[r] + 0.0f);
      bits ^= (bits >> 31) & 0x7fffffff;
      keys[i] = ((long) bits << 32) | labels[r];
      positives += labels[r];
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return 0.5;
    }
    Arrays.sort(keys);
    long twiceU = 0;
    long below = 0;
    int i = 0;
    while (i < n) {
      long s = keys[i] >> 32;
      long gp = 0;
      long gn = 0;
      while (i < n && (keys[i] >> 32) == s) {
        if ((keys[i] & 1L) == 1L) {
          gp++;
        } else {
          gn++;
        }
        i++;
      }
      twiceU += gp * (2 * below + gn);
      below += gn;
    }
    return twiceU / (2.0 * positives * negatives);
  }
}
