package io.fleetlearn.training;

import java.util.Arrays;

/**
 * A stratified, deterministic train/holdout split of a sample's labelled rows: within each class,
 * rows are ordered by a hash of their sampling priority and the first {@code fraction} go to the
 * holdout, with at least one row of each class on each side.
 */
public final class HoldoutSplit {
  private static final long SALT = 0x5DEECE66DL;

  private final int[] trainRows;
  private final int[] holdoutRows;

  private HoldoutSplit(int[] trainRows, int[] holdoutRows) {
    this.trainRows = trainRows;
    this.holdoutRows = holdoutRows;
  }

  /**
   * Splits rows {@code [0, n)} whose label is 0 or 1; unlabelled rows (-1) are in neither part.
   * Each class needs at least two rows.
   */
  public static HoldoutSplit stratified(byte[] labels, long[] priorities, int n, double fraction) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return stratified(labels, priorities, all, fraction, SALT);
  }

  /**
   * Splits the rows {@code rows} (labels 0/1; others are in neither part) the same way, with the
   * hash order drawn from {@code salt}: a different salt gives a split independent of the
   * holdout's, e.g. the validation split carved from a holdout split's training rows.
   */
  public static HoldoutSplit stratified(
      byte[] labels, long[] priorities, int[] rows, double fraction, long salt) {
    int n = rows.length;
    int[] train = new int[n];
    int[] holdout = new int[n];
    int nt = 0;
    int nh = 0;
    for (byte cls = 0; cls <= 1; cls++) {
      int count = 0;
      for (int i : rows) {
        if (labels[i] == cls) {
          count++;
        }
      }
      if (count == 0) {
        continue;
      }
      long[] keys = new long[count];
      int k = 0;
      for (int i : rows) {
        if (labels[i] == cls) {
          // High bits: hash order; low 24 bits: the row, so the sort carries the index along.
          keys[k++] = (mix(priorities[i] ^ salt) & ~0xFFFFFFL) | i;
        }
      }
      Arrays.sort(keys);
      int h = (int) Math.round(count * fraction);
      h = Math.max(1, Math.min(count - 1, h));
      for (k = 0; k < count; k++) {
        int row = (int) (keys[k] & 0xFFFFFFL);
        if (k < h) {
          holdout[nh++] = row;
        } else {
          train[nt++] = row;
        }
      }
    }
    int[] t = Arrays.copyOf(train, nt);
    int[] ho = Arrays.copyOf(holdout, nh);
    Arrays.sort(t);
    Arrays.sort(ho);
    return new HoldoutSplit(t, ho);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public int[] trainRows() {
    return trainRows;
  }

  public int[] holdoutRows() {
    return holdoutRows;
  }
}
