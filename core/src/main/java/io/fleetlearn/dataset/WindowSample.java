package io.fleetlearn.dataset;

import io.fleetlearn.event.SensorEvent;
import java.util.Arrays;

/**
 * A bounded, uniform sample of one machine's events in one window, stored as flat primitive arrays
 * (row-major features, one label byte per row), plus exact counts over all events seen.
 *
 * <p>The sample is a bottom-k sketch: every event gets a 64-bit priority that is a hash of its
 * content, and the sample keeps the {@code capacity} events with the smallest priorities (a
 * max-heap on priority). This is a uniform random sample of the window, it merges exactly (the
 * bottom k of a union is the bottom k of the parts' bottom k), and it is deterministic: the same
 * events give the same sample whatever the bundling, order or retries, which keeps retraining
 * reproducible.
 */
public final class WindowSample {
  private final int dim;
  private final int capacity;
  private int size;
  private float[] features;
  private byte[] labels;
  private long[] priorities;
  private long seen;
  private long labelled;
  private long positives;
  private long minTimestamp = Long.MAX_VALUE;
  private long maxTimestamp = Long.MIN_VALUE;

  public WindowSample(int dim, int capacity) {
    this(dim, capacity, 64);
  }

  /**
   * A sample whose arrays start with room for {@code initialRows} rows (at most {@code capacity})
   * and double as rows arrive. Small for the per-bundle partials of many machines, which often hold
   * one or two events each.
   */
  public WindowSample(int dim, int capacity, int initialRows) {
    if (dim <= 0 || capacity <= 0 || initialRows <= 0) {
      throw new IllegalArgumentException("dim, capacity and initialRows must be positive");
    }
    this.dim = dim;
    this.capacity = capacity;
    int initial = Math.min(capacity, initialRows);
    this.features = new float[initial * dim];
    this.labels = new byte[initial];
    this.priorities = new long[initial];
  }

  /** Rebuilds a sample from its parts (used by the coder). */
  static WindowSample restore(
      int dim,
      int capacity,
      int size,
      float[] features,
      byte[] labels,
      long[] priorities,
      long seen,
      long labelled,
      long positives,
      long minTs,
      long maxTs) {
    WindowSample s = new WindowSample(dim, capacity, 1); // its arrays are replaced below
    s.size = size;
    s.features = features;
    s.labels = labels;
    s.priorities = priorities;
    s.seen = seen;
    s.labelled = labelled;
    s.positives = positives;
    s.minTimestamp = minTs;
    s.maxTimestamp = maxTs;
    return s;
  }

  /** Counts the event and keeps it if it belongs to the bottom-k sample. */
  public void add(SensorEvent e) {
    float[] f = e.features();
    if (f.length != dim) {
      throw new IllegalArgumentException("event has " + f.length + " features, expected " + dim);
    }
    seen++;
    if (e.isLabelled()) {
      labelled++;
      positives += e.label();
    }
    minTimestamp = Math.min(minTimestamp, e.timestampMillis());
    maxTimestamp = Math.max(maxTimestamp, e.timestampMillis());
    offer(f, 0, e.label(), priority(e.timestampMillis(), f, e.label()));
  }

  /** Merges {@code other} into this sample; {@code other} is left unchanged. */
  public void merge(WindowSample other) {
    if (other.dim != dim) {
      throw new IllegalArgumentException("cannot merge samples of different dimensions");
    }
    seen += other.seen;
    labelled += other.labelled;
    positives += other.positives;
    minTimestamp = Math.min(minTimestamp, other.minTimestamp);
    maxTimestamp = Math.max(maxTimestamp, other.maxTimestamp);
    for (int i = 0; i < other.size; i++) {
      offer(other.features, i * dim, other.labels[i], other.priorities[i]);
    }
  }

  private void offer(float[] src, int srcPos, byte label, long priority) {
    if (size < capacity) {
      ensureRoom(size + 1);
      int i = size++;
      System.arraycopy(src, srcPos, features, i * dim, dim);
      labels[i] = label;
      priorities[i] = priority;
      siftUp(i);
    } else if (priority < priorities[0]) {
      System.arraycopy(src, srcPos, features, 0, dim);
      labels[0] = label;
      priorities[0] = priority;
      siftDown(0);
    }
  }

  private void ensureRoom(int rows) {
    if (rows <= labels.length) {
      return;
    }
    int n = Math.min(capacity, Math.max(rows, labels.length * 2));
    features = Arrays.copyOf(features, n * dim);
    labels = Arrays.copyOf(labels, n);
    priorities = Arrays.copyOf(priorities, n);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (priorities[parent] >= priorities[i]) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int r = l + 1;
      int largest = r < size && priorities[r] > priorities[l] ? r : l;
      if (priorities[i] >= priorities[largest]) {
        return;
      }
      swap(i, largest);
      i = largest;
    }
  }

  private void swap(int a, int b) {
    long p = priorities[a];
    priorities[a] = priorities[b];
    priorities[b] = p;
    byte l = labels[a];
    labels[a] = labels[b];
    labels[b] = l;
    int oa = a * dim;
    int ob = b * dim;
    for (int j = 0; j < dim; j++) {
      float t = features[oa + j];
      features[oa + j] = features[ob + j];
      features[ob + j] = t;
    }
  }

  /** A 64-bit content hash; its low bits decide sampling, so it must mix well (SplitMix64). */
  static long priority(long timestamp, float[] f, byte label) {
    long h = mix(timestamp ^ 0x9E3779B97F4A7C15L);
    for (float v : f) {
      h = mix(h ^ Float.floatToIntBits(v));
    }
    return mix(h ^ label);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public int dim() {
    return dim;
  }

  public int capacity() {
    return capacity;
  }

  /** Rows in the sample (at most {@link #capacity()}). */
  public int size() {
    return size;
  }

  /** Events seen in the window, sampled or not. */
  public long seen() {
    return seen;
  }

  /** Labelled events seen in the window. */
  public long labelled() {
    return labelled;
  }

  /** Defect-labelled events seen in the window. */
  public long positives() {
    return positives;
  }

  public long minTimestamp() {
    return minTimestamp;
  }

  public long maxTimestamp() {
    return maxTimestamp;
  }

  /** Row-major features of the sampled rows; length at least {@code size() * dim()}. Not a copy. */
  public float[] featureArray() {
    return features;
  }

  /** Labels of the sampled rows (-1 unlabelled); length at least {@code size()}. Not a copy. */
  public byte[] labelArray() {
    return labels;
  }

  /** Priorities of the sampled rows; length at least {@code size()}. Not a copy. */
  public long[] priorityArray() {
    return priorities;
  }

  public float feature(int row, int column) {
    return features[row * dim + column];
  }

  /** Copies column {@code j} of the sampled rows into a new array of length {@link #size()}. */
  public float[] column(int j) {
    float[] c = new float[size];
    for (int i = 0; i < size; i++) {
      c[i] = features[i * dim + j];
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WindowSample)) {
      return false;
    }
    WindowSample s = (WindowSample) o;
    return dim == s.dim
        && capacity == s.capacity
        && size == s.size
        && seen == s.seen
        && labelled == s.labelled
        && positives == s.positives
        && minTimestamp == s.minTimestamp
        && maxTimestamp == s.maxTimestamp
        && sameRows(s);
  }

  /** Whether both hold the same rows, whatever their positions in the heap arrays. */
  private boolean sameRows(WindowSample s) {
    Integer[] a = rowOrder();
    Integer[] b = s.rowOrder();
    for (int k = 0; k < size; k++) {
      if (compareRows(this, a[k], s, b[k]) != 0) {
        return false;
      }
    }
    return true;
  }

  private Integer[] rowOrder() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> compareRows(this, x, this, y));
    return order;
  }

  private static int compareRows(WindowSample s, int i, WindowSample t, int j) {
    int c = Long.compare(s.priorities[i], t.priorities[j]);
    if (c == 0) {
      c = Byte.compare(s.labels[i], t.labels[j]);
    }
    for (int k = 0; c == 0 && k < s.dim; k++) {
      c =
          Integer.compare(
              Float.floatToIntBits(s.features[i * s.dim + k]),
              Float.floatToIntBits(t.features[j * t.dim + k]));
    }
    return c;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seen) * 31 + size;
  }

  @Override
  public String toString() {
    return "WindowSample{rows="
        + size
        + "/"
        + capacity
        + ", seen="
        + seen
        + ", labelled="
        + labelled
        + ", positives="
        + positives
        + "}";
  }
}
