package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {
  /**
   * 100 rows: i % 10 in 0..6 -> label 0 (70 rows), 7..8 -> label 1 (20 rows), 9 -> unlabelled (10
   * rows); random priorities.
   */
  private static final int N = 100;

  private static byte[] labels() {
    byte[] l = new byte[N];
    for (int i = 0; i < N; i++) {
      int d = i % 10;
      l[i] = (byte) (d <= 6 ? 0 : d <= 8 ? 1 : -1);
    }
    return l;
  }

  private static long[] priorities(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] p = new long[n];
    for (int i = 0; i < n; i++) {
      p[i] = r.nextLong();
    }
    return p;
  }

  private static long count(int[] rows, byte[] labels, int cls) {
    return Arrays.stream(rows).filter(r -> labels[r] == cls).count();
  }

  @Test
  void holdsOutTheFractionOfEachClass() {
    byte[] labels = labels();
    HoldoutSplit s = HoldoutSplit.stratified(labels, priorities(1, N), N, 0.2);
    // Negatives: round(70 * 0.2) = 14 held out, 56 trained. Positives: round(20 * 0.2) = 4, 16.
    assertEquals(14, count(s.holdoutRows(), labels, 0));
    assertEquals(4, count(s.holdoutRows(), labels, 1));
    assertEquals(56, count(s.trainRows(), labels, 0));
    assertEquals(16, count(s.trainRows(), labels, 1));
  }

  @Test
  void roundsTheHoldoutSizeOfEachClassHalfUp() {
    // 10 negatives * 0.25 = 2.5 -> 3; 6 positives * 0.25 = 1.5 -> 2.
    byte[] labels = new byte[16];
    Arrays.fill(labels, 10, 16, (byte) 1);
    HoldoutSplit s = HoldoutSplit.stratified(labels, priorities(2, 16), 16, 0.25);
    assertEquals(3, count(s.holdoutRows(), labels, 0));
    assertEquals(2, count(s.holdoutRows(), labels, 1));
    assertEquals(7 + 4, s.trainRows().length);
  }

  @Test
  void keepsAtLeastOneRowOfEachClassOnEachSide() {
    // 50 negatives and 2 positives.
    byte[] labels = new byte[52];
    labels[10] = 1;
    labels[40] = 1;
    long[] p = priorities(3, 52);

    // fraction 0.2: positives round(0.4) = 0 -> raised to 1.
    HoldoutSplit low = HoldoutSplit.stratified(labels, p, 52, 0.2);
    assertEquals(1, count(low.holdoutRows(), labels, 1));
    assertEquals(1, count(low.trainRows(), labels, 1));
    assertEquals(10, count(low.holdoutRows(), labels, 0));

    // fraction 0.9: positives round(1.8) = 2 -> capped at 1; negatives round(45.0) = 45, 5 left.
    HoldoutSplit high = HoldoutSplit.stratified(labels, p, 52, 0.9);
    assertEquals(1, count(high.holdoutRows(), labels, 1));
    assertEquals(1, count(high.trainRows(), labels, 1));
    assertEquals(45, count(high.holdoutRows(), labels, 0));
    assertEquals(5, count(high.trainRows(), labels, 0));

    // fraction 0.001: round(0.05) = 0 -> 1 negative still held out.
    HoldoutSplit tiny = HoldoutSplit.stratified(labels, p, 52, 0.001);
    assertEquals(1, count(tiny.holdoutRows(), labels, 0));
  }

  @Test
  void partsAreSortedDisjointAndCoverExactlyTheLabelledRows() {
    byte[] labels = labels();
    HoldoutSplit s = HoldoutSplit.stratified(labels, priorities(4, N), N, 0.3);
    int[] train = s.trainRows();
    int[] holdout = s.holdoutRows();

    assertTrue(isStrictlyIncreasing(train), Arrays.toString(train));
    assertTrue(isStrictlyIncreasing(holdout), Arrays.toString(holdout));
    Set<Integer> t = Arrays.stream(train).boxed().collect(Collectors.toSet());
    Set<Integer> h = Arrays.stream(holdout).boxed().collect(Collectors.toSet());
    Set<Integer> both = new HashSet<>(t);
    both.retainAll(h);
    assertEquals(Set.of(), both, "train and holdout overlap");

    Set<Integer> union = new TreeSet<>(t);
    union.addAll(h);
    Set<Integer> labelled =
        IntStream.range(0, N).filter(i -> labels[i] >= 0).boxed().collect(Collectors.toSet());
    assertEquals(labelled, union);
    assertEquals(90, union.size());
  }

  @Test
  void isDeterministic() {
    byte[] labels = labels();
    long[] p = priorities(5, N);
    HoldoutSplit a = HoldoutSplit.stratified(labels, p, N, 0.2);
    HoldoutSplit b = HoldoutSplit.stratified(labels.clone(), p.clone(), N, 0.2);
    assertArrayEquals(a.trainRows(), b.trainRows());
    assertArrayEquals(a.holdoutRows(), b.holdoutRows());
  }

  @Test
  void membershipFollowsThePriorityNotTheRowPosition() {
    byte[] labels = labels();
    long[] p = priorities(6, N);
    HoldoutSplit s = HoldoutSplit.stratified(labels, p, N, 0.2);

    // Reverse the rows (labels and priorities together): the same events are held out.
    byte[] rl = new byte[N];
    long[] rp = new long[N];
    for (int i = 0; i < N; i++) {
      rl[i] = labels[N - 1 - i];
      rp[i] = p[N - 1 - i];
    }
    HoldoutSplit r = HoldoutSplit.stratified(rl, rp, N, 0.2);
    assertEquals(prioritiesOf(s.holdoutRows(), p), prioritiesOf(r.holdoutRows(), rp));
  }

  @Test
  void differentPrioritiesGiveADifferentHoldout() {
    byte[] labels = labels();
    HoldoutSplit a = HoldoutSplit.stratified(labels, priorities(7, N), N, 0.2);
    HoldoutSplit b = HoldoutSplit.stratified(labels, priorities(8, N), N, 0.2);
    assertFalse(Arrays.equals(a.holdoutRows(), b.holdoutRows()));
  }

  @Test
  void holdoutIsNotSimplyTheLowestSamplingPriorities() {
    // The sample itself keeps the lowest priorities, so the split re-hashes them: with priorities
    // increasing by row, the holdout must not be the first rows of each class.
    byte[] labels = new byte[100];
    long[] p = new long[100];
    for (int i = 0; i < 100; i++) {
      p[i] = i;
      labels[i] = (byte) (i % 2);
    }
    HoldoutSplit s = HoldoutSplit.stratified(labels, p, 100, 0.2);
    int[] lowest = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    assertEquals(20, s.holdoutRows().length);
    assertFalse(Arrays.equals(lowest, s.holdoutRows()), Arrays.toString(s.holdoutRows()));
  }

  @Test
  void ignoresRowsBeyondN() {
    byte[] labels = labels();
    HoldoutSplit s = HoldoutSplit.stratified(labels, priorities(9, N), 50, 0.2);
    assertTrue(Arrays.stream(s.trainRows()).allMatch(r -> r < 50));
    assertTrue(Arrays.stream(s.holdoutRows()).allMatch(r -> r < 50));
    // Rows 0..49: 35 negatives, 10 positives -> round(7.0) = 7 and round(2.0) = 2 held out.
    assertEquals(9, s.holdoutRows().length);
    assertEquals(36, s.trainRows().length);
  }

  @Test
  void unlabelledOnlyGivesTwoEmptyParts() {
    byte[] labels = new byte[10];
    Arrays.fill(labels, (byte) -1);
    HoldoutSplit s = HoldoutSplit.stratified(labels, priorities(10, 10), 10, 0.2);
    assertEquals(0, s.trainRows().length);
    assertEquals(0, s.holdoutRows().length);
  }

  private static Set<Long> prioritiesOf(int[] rows, long[] p) {
    return Arrays.stream(rows).mapToObj(r -> p[r]).collect(Collectors.toSet());
  }

  private static boolean isStrictlyIncreasing(int[] a) {
    for (int i = 1; i < a.length; i++) {
      if (a[i] <= a[i - 1]) {
        return false;
      }
    }
    return true;
  }
}
