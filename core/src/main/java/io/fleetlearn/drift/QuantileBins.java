package io.fleetlearn.drift;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Immutable bin edges of one feature, cut at quantiles of a reference sample, used to histogram
 * later samples of the same feature for drift statistics.
 *
 * <p>With interior edges e0 &lt; e1 &lt; ... &lt; ek the value bins are (-inf, e0], (e0, e1], ...,
 * (ek, +inf), numbered 0..k+1. NaN goes to one extra "missing" bin, the last index, so {@link
 * #numBins()} = number of edges + 2. A feature without edges (constant, empty or all-NaN reference)
 * has one value bin and the missing bin.
 */
public final class QuantileBins implements Serializable {

  private static final long serialVersionUID = 1L;

  private final float[] edges;

  private QuantileBins(float[] edges) {
    this.edges = edges;
  }

  /**
   * Cuts a reference sample at up to {@code maxBins - 1} quantiles.
   *
   * <p>With m non-NaN values sorted ascending as x[0..m-1], cut point k (k = 1..maxBins-1) is
   * x[ceil(k*m/maxBins) - 1], the smallest value with at least a k/maxBins share of the sample at
   * or below it. Equal cut points are merged, and cut points equal to the sample maximum are
   * dropped: such an edge would open a bin that is empty in the reference, and the PSI of any value
   * landing there later would be set by the smoothing epsilon rather than by the data. Hence a
   * constant feature has a single value bin, and there are never more value bins than distinct
   * values.
   *
   * @param values reference sample; only the first n entries are read, NaN entries are ignored and
   *     the array is not modified
   * @param maxBins maximum number of value bins (the missing bin is not counted), at least 1
   * @throws IllegalArgumentException if n is out of range or maxBins &lt; 1
   */
  public static QuantileBins fromSample(float[] values, int n, int maxBins) {
    checkRange(values, n);
    if (maxBins < 1) {
      throw new IllegalArgumentException("maxBins must be >= 1, got " + maxBins);
    }
    float[] sorted = new float[n];
    int m = sortedNonNaN(values, n, sorted);
    return fromSorted(sorted, m, maxBins);
  }

  /**
   * Copies the non-NaN values among the first {@code n} of {@code values} into {@code out}, sorted
   * ascending, with -0.0 folded into +0.0, and returns their count.
   */
  public static int sortedNonNaN(float[] values, int n, float[] out) {
    checkRange(values, n);
    int m = 0;
    for (int i = 0; i < n; i++) {
      float v = values[i];
      if (!Float.isNaN(v)) {
        // +0.0f folds -0.0f into +0.0f so that the zeros cannot become two edges.
        out[m++] = v + 0.0f;
      }
    }
    Arrays.sort(out, 0, m);
    return m;
  }

  /**
   * {@link #fromSample} on values already in the form {@link #sortedNonNaN} gives: the first {@code
   * m} entries of {@code sorted}, ascending, no NaN, no -0.0. Lets a caller that needs the sorted
   * values for more than the bins sort them once.
   */
  public static QuantileBins fromSorted(float[] sorted, int m, int maxBins) {
    if (maxBins < 1) {
      throw new IllegalArgumentException("maxBins must be >= 1, got " + maxBins);
    }
    if (m == 0) {
      return new QuantileBins(new float[0]);
    }
    float max = sorted[m - 1];
    // More bins than values yields the same cut points as one bin per value, and capping keeps a
    // huge maxBins from costing a huge loop.
    long bins = Math.min(maxBins, m);
    float[] cuts = new float[(int) bins - 1];
    int count = 0;
    for (long k = 1; k < bins; k++) {
      int idx = (int) ((k * m + bins - 1) / bins) - 1;
      float cut = sorted[idx];
      if (cut == max) {
        break; // cut points never decrease, so all later ones equal the maximum too
      }
      if (count == 0 || cut != cuts[count - 1]) {
        cuts[count++] = cut;
      }
    }
    return new QuantileBins(Arrays.copyOf(cuts, count));
  }

  /**
   * Recreates bins from previously computed edges, e.g. when reading persisted reference state.
   *
   * @param edges strictly increasing, non-NaN interior edges; copied
   * @throws IllegalArgumentException if edges is null, contains NaN or is not strictly increasing
   */
  public static QuantileBins ofEdges(float[] edges) {
    if (edges == null) {
      throw new IllegalArgumentException("edges must not be null");
    }
    float[] copy = new float[edges.length];
    for (int i = 0; i < edges.length; i++) {
      float e = edges[i];
      if (Float.isNaN(e)) {
        throw new IllegalArgumentException("edge " + i + " is NaN");
      }
      if (i > 0 && !(e > copy[i - 1])) {
        throw new IllegalArgumentException(
            "edges must be strictly increasing, but edge "
                + i
                + " = "
                + e
                + " follows "
                + copy[i - 1]);
      }
      copy[i] = e + 0.0f;
    }
    return new QuantileBins(copy);
  }

  /** Number of bins including the missing bin; always at least 2. */
  public int numBins() {
    return edges.length + 2;
  }

  /** Index of the bin that collects NaN values, equal to {@code numBins() - 1}. */
  public int missingBin() {
    return edges.length + 1;
  }

  /** Returns a copy of the interior edges, ascending. */
  public float[] edges() {
    return edges.clone();
  }

  /**
   * Returns the bin of {@code v}: the first bin whose upper edge is &gt;= v, or the missing bin.
   */
  public int binOf(float v) {
    if (Float.isNaN(v)) {
      return edges.length + 1;
    }
    // Lower bound on "v <= edge" rather than Arrays.binarySearch, whose Float.compare order
    // separates -0.0f from 0.0f and would misplace values sitting exactly on a zero edge.
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (v <= edges[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * Counts the first n values per bin.
   *
   * @return counts indexed by bin, of length {@link #numBins()}
   * @throws IllegalArgumentException if n is out of range
   */
  public long[] histogram(float[] values, int n) {
    checkRange(values, n);
    long[] counts = new long[numBins()];
    for (int i = 0; i < n; i++) {
      counts[binOf(values[i])]++;
    }
    return counts;
  }

  private static void checkRange(float[] values, int n) {
    if (values == null) {
      throw new IllegalArgumentException("values must not be null");
    }
    if (n < 0 || n > values.length) {
      throw new IllegalArgumentException(
          "n=" + n + " out of range for values.length=" + values.length);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantileBins && Arrays.equals(edges, ((QuantileBins) o).edges);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(edges);
  }

  @Override
  public String toString() {
    return "QuantileBins{edges=" + Arrays.toString(edges) + '}';
  }
}
