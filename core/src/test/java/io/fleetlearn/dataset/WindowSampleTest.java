package io.fleetlearn.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.event.SensorEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowSampleTest {
  static final long T0 = 1_795_770_000_000L;

  /**
   * Event {@code i}: time T0 + i s; features (i, (i % 7) / 2, (i % 13) - 6, NaN when i % 11 == 0
   * else i / 100); label unlabelled when i % 3 == 0, 0 when i % 3 == 1, 1 when i % 3 == 2.
   */
  static SensorEvent event(int i) {
    float[] f = {i, (i % 7) * 0.5f, (i % 13) - 6, i % 11 == 0 ? Float.NaN : i * 0.01f};
    byte label = (byte) (i % 3 == 0 ? -1 : i % 3 == 1 ? 0 : 1);
    return new SensorEvent("m-1", T0 + i * 1000L, f, label);
  }

  static List<SensorEvent> events(int n) {
    List<SensorEvent> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(event(i));
    }
    return l;
  }

  static WindowSample sampleOf(List<SensorEvent> events, int capacity) {
    WindowSample s = new WindowSample(4, capacity);
    events.forEach(s::add);
    return s;
  }

  static long priorityOf(SensorEvent e) {
    return WindowSample.priority(e.timestampMillis(), e.features(), e.label());
  }

  /** The sampled rows as a sorted list, independent of the heap layout. */
  static List<String> rows(WindowSample s) {
    List<String> rows = new ArrayList<>(s.size());
    for (int i = 0; i < s.size(); i++) {
      float[] f = Arrays.copyOfRange(s.featureArray(), i * s.dim(), (i + 1) * s.dim());
      rows.add(s.priorityArray()[i] + "|" + s.labelArray()[i] + "|" + Arrays.toString(f));
    }
    Collections.sort(rows);
    return rows;
  }

  /** Layout-independent form: counts, bounds and the sorted rows. */
  static String canonical(WindowSample s) {
    return s.dim()
        + "/"
        + s.capacity()
        + " seen="
        + s.seen()
        + " labelled="
        + s.labelled()
        + " positives="
        + s.positives()
        + " ts=["
        + s.minTimestamp()
        + ","
        + s.maxTimestamp()
        + "] rows="
        + rows(s);
  }

  static long[] sortedPriorities(WindowSample s) {
    long[] p = Arrays.copyOf(s.priorityArray(), s.size());
    Arrays.sort(p);
    return p;
  }

  @Test
  void countsCoverEveryEventSeenNotOnlyTheSampledOnes() {
    // i = 0..9: unlabelled {0,3,6,9}; label 0 {1,4,7}; label 1 {2,5,8}
    //   -> seen 10, labelled 6, positives 3; times T0 .. T0 + 9 s whatever the order.
    WindowSample s = new WindowSample(4, 3);
    for (int i : new int[] {7, 2, 9, 0, 5, 3, 8, 1, 6, 4}) {
      s.add(event(i));
    }
    assertEquals(10, s.seen());
    assertEquals(6, s.labelled());
    assertEquals(3, s.positives());
    assertEquals(T0, s.minTimestamp());
    assertEquals(T0 + 9_000, s.maxTimestamp());
    assertEquals(3, s.size());
  }

  @Test
  void emptySampleHasZeroCountsAndInvertedTimeBounds() {
    WindowSample s = new WindowSample(4, 10);
    assertEquals(0, s.size());
    assertEquals(0, s.seen());
    assertEquals(0, s.labelled());
    assertEquals(0, s.positives());
    assertEquals(Long.MAX_VALUE, s.minTimestamp());
    assertEquals(Long.MIN_VALUE, s.maxTimestamp());
  }

  @Test
  void sizeGrowsToCapacityAndStaysThere() {
    WindowSample s = new WindowSample(4, 100);
    for (int i = 0; i < 10_000; i++) {
      s.add(event(i));
      assertEquals(Math.min(i + 1, 100), s.size(), "after " + (i + 1) + " events");
    }
    assertEquals(10_000, s.seen());
    assertTrue(s.labelArray().length <= 100 && s.priorityArray().length <= 100);
    assertTrue(s.featureArray().length <= 100 * 4);
  }

  @Test
  void keepsExactlyTheBottomKPrioritiesWithTheirOwnRows() {
    int n = 5000;
    int k = 250;
    List<SensorEvent> all = events(n);
    WindowSample s = sampleOf(all, k);

    Map<Long, SensorEvent> byPriority = new HashMap<>();
    long[] every = new long[n];
    for (int i = 0; i < n; i++) {
      every[i] = priorityOf(all.get(i));
      byPriority.put(every[i], all.get(i));
    }
    assertEquals(n, byPriority.size(), "5000 distinct events have 5000 distinct priorities");
    Arrays.sort(every);

    assertArrayEquals(Arrays.copyOf(every, k), sortedPriorities(s));
    // Each sampled row carries the features and label of the event its priority belongs to.
    for (int r = 0; r < s.size(); r++) {
      SensorEvent e = byPriority.get(s.priorityArray()[r]);
      assertEquals(e.label(), s.labelArray()[r]);
      assertArrayEquals(
          e.features(), Arrays.copyOfRange(s.featureArray(), r * 4, r * 4 + 4), "row " + r);
    }
  }

  @Test
  void priorityDependsOnTimeFeaturesAndLabel() {
    SensorEvent e = event(42);
    long p = priorityOf(e);
    float[] f = e.features().clone();
    f[2] += 1;
    assertTrue(p != WindowSample.priority(e.timestampMillis() + 1, e.features(), e.label()));
    assertTrue(p != WindowSample.priority(e.timestampMillis(), f, e.label()));
    assertTrue(p != WindowSample.priority(e.timestampMillis(), e.features(), (byte) 1));
    assertEquals(p, WindowSample.priority(e.timestampMillis(), e.features().clone(), e.label()));
  }

  @Test
  void sampleDoesNotDependOnArrivalOrder() {
    List<SensorEvent> all = events(3000);
    String inOrder = canonical(sampleOf(all, 200));
    List<SensorEvent> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(11));
    assertEquals(inOrder, canonical(sampleOf(shuffled, 200)));
    Collections.reverse(shuffled);
    assertEquals(inOrder, canonical(sampleOf(shuffled, 200)));
  }

  @Test
  void mergeOfTwoPartsEqualsSampleOfTheWholeForAnySplitAndOrder() {
    int n = 3000;
    int cap = 200;
    List<SensorEvent> all = events(n);
    String whole = canonical(sampleOf(all, cap));
    for (int split : new int[] {0, 1, 199, 200, 201, 1500, 2999, 3000}) {
      List<SensorEvent> left = all.subList(0, split);
      List<SensorEvent> right = all.subList(split, n);

      WindowSample lr = sampleOf(left, cap);
      lr.merge(sampleOf(right, cap));
      WindowSample rl = sampleOf(right, cap);
      rl.merge(sampleOf(left, cap));

      assertEquals(whole, canonical(lr), "left.merge(right) at split " + split);
      assertEquals(whole, canonical(rl), "right.merge(left) at split " + split);
    }
  }

  @Test
  void mergeOfManyRandomPartsInRandomOrderEqualsSampleOfTheWhole() {
    List<SensorEvent> all = events(4000);
    String whole = canonical(sampleOf(all, 300));
    Random rnd = new Random(5);
    for (int round = 0; round < 20; round++) {
      int parts = 2 + rnd.nextInt(8);
      List<List<SensorEvent>> split = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        split.add(new ArrayList<>());
      }
      for (SensorEvent e : all) {
        split.get(rnd.nextInt(parts)).add(e);
      }
      Collections.shuffle(split, rnd);
      WindowSample merged = sampleOf(split.get(0), 300);
      for (List<SensorEvent> part : split.subList(1, parts)) {
        merged.merge(sampleOf(part, 300));
      }
      assertEquals(whole, canonical(merged), "round " + round);
    }
  }

  @Test
  void mergeLeavesTheOtherSampleUnchanged() {
    WindowSample a = sampleOf(events(500).subList(0, 250), 50);
    WindowSample b = sampleOf(events(500).subList(250, 500), 50);
    String before = canonical(b);
    a.merge(b);
    assertEquals(before, canonical(b));
  }

  @Test
  void mergingAnEmptySampleChangesNothingAndIntoAnEmptySampleCopies() {
    WindowSample full = sampleOf(events(300), 40);
    String expected = canonical(full);
    full.merge(new WindowSample(4, 40));
    assertEquals(expected, canonical(full));

    WindowSample empty = new WindowSample(4, 40);
    empty.merge(full);
    assertEquals(expected, canonical(empty));
  }

  @Test
  void sampleIsUniformOverTheInputWithinTwoPercentPerTenth() {
    // 100,000 events, capacity 10,000: each tenth of the input should hold 10% of the sample.
    // The count in one tenth is hypergeometric: sd = sqrt(10000 * 0.1 * 0.9 * 0.9) ~ 28.5, so the
    // allowed +-200 (2% of 10,000) is ~7 sd: a failure means bias, not bad luck.
    int n = 100_000;
    WindowSample s = new WindowSample(4, 10_000);
    for (int i = 0; i < n; i++) {
      s.add(event(i));
    }
    int[] perTenth = countPerTenth(s, n);
    for (int t = 0; t < 10; t++) {
      assertTrue(
          Math.abs(perTenth[t] - 1000) <= 200, "tenth " + t + ": " + Arrays.toString(perTenth));
    }
  }

  @Test
  void smallSampleOfStructuredInputPassesChiSquare() {
    // Capacity 1000 of 100,000 events: expected 100 per tenth. Chi-square over the 10 tenths has 9
    // degrees of freedom; its 99.9% quantile is 27.88, so a value above it signals bias.
    int n = 100_000;
    WindowSample s = new WindowSample(4, 1000);
    for (int i = 0; i < n; i++) {
      s.add(event(i));
    }
    int[] perTenth = countPerTenth(s, n);
    double chi2 = 0;
    for (int c : perTenth) {
      chi2 += (c - 100.0) * (c - 100.0) / 100.0;
    }
    assertTrue(chi2 < 27.88, "chi2 = " + chi2 + " for " + Arrays.toString(perTenth));
    // Labels cycle -1, 0, 1, so each label should be about a third of the sample (333 +- 15 sd).
    int positives = 0;
    for (int r = 0; r < s.size(); r++) {
      positives += s.labelArray()[r] == 1 ? 1 : 0;
    }
    assertTrue(Math.abs(positives - 333) < 75, "positives " + positives);
  }

  private static int[] countPerTenth(WindowSample s, int n) {
    int[] perTenth = new int[10];
    for (int r = 0; r < s.size(); r++) {
      int i = (int) s.feature(r, 0); // feature 0 of event i is i
      perTenth[i / (n / 10)]++;
    }
    assertEquals(s.capacity(), Arrays.stream(perTenth).sum());
    return perTenth;
  }

  @Test
  void identicalEventsShareOnePriority() {
    WindowSample s = new WindowSample(4, 5);
    for (int i = 0; i < 10; i++) {
      s.add(event(7));
    }
    assertEquals(10, s.seen());
    assertEquals(5, s.size());
    long p = priorityOf(event(7));
    for (int r = 0; r < 5; r++) {
      assertEquals(p, s.priorityArray()[r]);
    }
  }

  @Test
  void columnAndFeatureReadTheSampledRows() {
    WindowSample s = sampleOf(events(5), 10);
    float[] c0 = s.column(0);
    assertEquals(5, c0.length);
    for (int r = 0; r < 5; r++) {
      int i = (int) c0[r];
      assertEquals(event(i).features()[2], s.feature(r, 2));
      assertEquals(event(i).features()[2], s.column(2)[r]);
    }
    float[] sorted = c0.clone();
    Arrays.sort(sorted);
    assertArrayEquals(new float[] {0, 1, 2, 3, 4}, sorted);
  }

  @Test
  void rejectsEventsOfAnotherDimensionWithoutCountingThem() {
    WindowSample s = new WindowSample(4, 10);
    SensorEvent three = new SensorEvent("m", T0, new float[] {1, 2, 3}, (byte) 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.add(three));
    assertEquals("event has 3 features, expected 4", e.getMessage());
    assertEquals(0, s.seen());
    assertEquals(0, s.size());
  }

  @Test
  void rejectsMergeOfAnotherDimension() {
    WindowSample four = sampleOf(events(3), 10);
    WindowSample three = new WindowSample(3, 10);
    assertThrows(IllegalArgumentException.class, () -> four.merge(three));
    assertThrows(IllegalArgumentException.class, () -> three.merge(four));
    assertEquals(3, four.seen());
  }

  @Test
  void rejectsNonPositiveDimensionOrCapacity() {
    assertThrows(IllegalArgumentException.class, () -> new WindowSample(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new WindowSample(4, 0));
    assertThrows(IllegalArgumentException.class, () -> new WindowSample(-1, 10));
  }

  @Test
  void aSampleStartingWithRoomForTwoRowsGrowsToTheSameSample() {
    for (int n : new int[] {0, 1, 2, 3, 50, 300}) {
      WindowSample small = new WindowSample(4, 100, 2);
      events(n).forEach(small::add);
      assertEquals(sampleOf(events(n), 100), small, n + " events");
      assertEquals(canonical(sampleOf(events(n), 100)), canonical(small));
    }
    assertThrows(IllegalArgumentException.class, () -> new WindowSample(4, 100, 0));
  }
}
