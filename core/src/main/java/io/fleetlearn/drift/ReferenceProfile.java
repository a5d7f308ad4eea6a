package io.fleetlearn.drift;

import io.fleetlearn.dataset.WindowSample;
import java.util.Arrays;

/**
 * A compact summary of the data a champion was trained on, kept in the registry's state and
 * compared with every later window of the same machine: per feature, quantile bin edges with the
 * reference counts (for PSI and Jensen-Shannon) and up to {@link #QUANTILES} quantile points (for a
 * two-sample KS statistic accurate to 1/{@value #QUANTILES}); the label rate; and the champion's
 * score distribution on its own training sample (for prediction PSI). About 1.2 KB per feature,
 * whatever the window size.
 */
public final class ReferenceProfile {
  /** Value bins per feature (plus one bin for missing values). */
  public static final int BINS = 10;

  /** Quantile points kept per feature for KS. */
  public static final int QUANTILES = 256;

  private final QuantileBins[] bins;
  private final long[][] counts;
  private final float[][] quantiles;
  private final long rows;
  private final long labelled;
  private final long positives;
  private final QuantileBins scoreBins;
  private final long[] scoreCounts;

  ReferenceProfile(
      QuantileBins[] bins,
      long[][] counts,
      float[][] quantiles,
      long rows,
      long labelled,
      long positives,
      QuantileBins scoreBins,
      long[] scoreCounts) {
    this.bins = bins;
    this.counts = counts;
    this.quantiles = quantiles;
    this.rows = rows;
    this.labelled = labelled;
    this.positives = positives;
    this.scoreBins = scoreBins;
    this.scoreCounts = scoreCounts;
  }

  /**
   * Profiles the rows of {@code sample}; {@code scores[i]} is the model's score of row i (the model
   * this profile will be the reference of).
   */
  public static ReferenceProfile of(WindowSample sample, float[] scores) {
    int d = sample.dim();
    int n = sample.size();
    QuantileBins[] bins = new QuantileBins[d];
    long[][] counts = new long[d][];
    float[][] quantiles = new float[d][];
    float[] sorted = new float[n];
    for (int j = 0; j < d; j++) {
      float[] col = sample.column(j);
      // One sort per column serves both the bins and the quantile points.
      int m = QuantileBins.sortedNonNaN(col, n, sorted);
      bins[j] = QuantileBins.fromSorted(sorted, m, BINS);
      counts[j] = bins[j].histogram(col, n);
      quantiles[j] = thin(sorted, m);
    }
    QuantileBins sb = QuantileBins.fromSample(scores, n, BINS);
    byte[] labels = sample.labelArray();
    long labelled = 0;
    long positives = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] >= 0) {
        labelled++;
        positives += labels[i];
      }
    }
    return new ReferenceProfile(
        bins, counts, quantiles, n, labelled, positives, sb, sb.histogram(scores, n));
  }

  /**
   * A profile of no data, for a champion whose training data is unknown (one adopted from the
   * model-updates topic at start-up): drift against it is {@code NO_REFERENCE} until a champion
   * trained in the stream replaces it. Encodes like any profile, so registry state keeps one
   * format.
   */
  public static ReferenceProfile empty(int dim) {
    QuantileBins none = QuantileBins.ofEdges(new float[0]);
    QuantileBins[] bins = new QuantileBins[dim];
    long[][] counts = new long[dim][];
    float[][] quantiles = new float[dim][];
    for (int j = 0; j < dim; j++) {
      bins[j] = none;
      counts[j] = new long[none.numBins()];
      quantiles[j] = new float[0];
    }
    return new ReferenceProfile(bins, counts, quantiles, 0, 0, 0, none, new long[none.numBins()]);
  }

  /** True for a profile of no rows ({@link #empty}): there is nothing to compare with. */
  public boolean isEmpty() {
    return rows == 0;
  }

  /** Sorted non-NaN values thinned to at most {@link #QUANTILES} evenly spaced order statistics. */
  static float[] quantilePoints(float[] values, int n) {
    float[] v = new float[n];
    return thin(v, QuantileBins.sortedNonNaN(values, n, v));
  }

  /** The first {@code m} of {@code v} (sorted) thinned to at most {@link #QUANTILES} of them. */
  private static float[] thin(float[] v, int m) {
    if (m <= QUANTILES) {
      return Arrays.copyOf(v, m);
    }
    float[] q = new float[QUANTILES];
    for (int k = 0; k < QUANTILES; k++) {
      q[k] = v[(int) Math.round((double) k * (m - 1) / (QUANTILES - 1))];
    }
    return q;
  }

  public int dim() {
    return bins.length;
  }

  public QuantileBins bins(int feature) {
    return bins[feature];
  }

  public long[] counts(int feature) {
    return counts[feature];
  }

  public float[] quantiles(int feature) {
    return quantiles[feature];
  }

  public long rows() {
    return rows;
  }

  public long labelled() {
    return labelled;
  }

  public long positives() {
    return positives;
  }

  public QuantileBins scoreBins() {
    return scoreBins;
  }

  public long[] scoreCounts() {
    return scoreCounts;
  }
}
