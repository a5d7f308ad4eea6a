package io.fleetlearn.drift;

import io.fleetlearn.dataset.WindowSample;
import java.util.Arrays;

/**
 * A compact summary of the data a champion was trained on, kept in the registry's state and
 * compared with every later window of the same machine: per feature, quantile bin edges with the
 * reference counts (for PSI and Jensen-Shannon) and up to {@link #QUANTILES} quantile points (the
 * reference's values themselves up to that many; for the chi-square test of {@link
 * TwoSampleChiSquare} and a two-sample KS statistic accurate to 1/{@value #QUANTILES}); the label
 * rate; and the champion's scores on the rows of its window it was not trained on (the holdout and
 * the unlabelled rows) as bins with counts and quantile points, for prediction drift. Scores of
 * training rows would not do: a model scores the rows it was fitted to more confidently than any
 * new row, so they would make every later window look drifted. About 1.2 KB per feature, whatever
 * the window size.
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
  private final float[] scoreQuantiles;

  ReferenceProfile(
      QuantileBins[] bins,
      long[][] counts,
      float[][] quantiles,
      long rows,
      long labelled,
      long positives,
      QuantileBins scoreBins,
      long[] scoreCounts,
      float[] scoreQuantiles) {
    this.bins = bins;
    this.counts = counts;
    this.quantiles = quantiles;
    this.rows = rows;
    this.labelled = labelled;
    this.positives = positives;
    this.scoreBins = scoreBins;
    this.scoreCounts = scoreCounts;
    this.scoreQuantiles = scoreQuantiles;
  }

  /**
   * Profiles the rows of {@code sample}; {@code scores[i]} is the model's score of row i (the model
   * this profile will be the reference of), and {@code holdoutRows} are the labelled rows the model
   * was not trained on. The score reference is made of the holdout and the unlabelled rows.
   */
  public static ReferenceProfile of(WindowSample sample, float[] scores, int[] holdoutRows) {
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
    byte[] labels = sample.labelArray();
    boolean[] held = new boolean[n];
    for (int r : holdoutRows) {
      held[r] = true;
    }
    float[] unseen = new float[n];
    long labelled = 0;
    long positives = 0;
    int u = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] >= 0) {
        labelled++;
        positives += labels[i];
      }
      if (labels[i] < 0 || held[i]) {
        unseen[u++] = scores[i];
      }
    }
    int m = QuantileBins.sortedNonNaN(unseen, u, sorted);
    QuantileBins sb = QuantileBins.fromSorted(sorted, m, BINS);
    return new ReferenceProfile(
        bins,
        counts,
        quantiles,
        n,
        labelled,
        positives,
        sb,
        sb.histogram(unseen, u),
        thin(sorted, m));
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
    return new ReferenceProfile(
        bins, counts, quantiles, 0, 0, 0, none, new long[none.numBins()], new float[0]);
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
      q[k] = v[(int) rankOfPoint(k, m, QUANTILES)];
    }
    return q;
  }

  /**
   * The 0-based rank, among {@code values} sorted values, of the k-th of {@code points} evenly
   * spaced order statistics: {@code round(k (values - 1) / (points - 1))}.
   */
  static long rankOfPoint(int k, long values, int points) {
    return points <= 1 ? 0 : Math.round((double) k * (values - 1) / (points - 1));
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

  /** Counts of the out-of-sample scores over {@link #scoreBins()}. */
  public long[] scoreCounts() {
    return scoreCounts;
  }

  /**
   * The out-of-sample scores, sorted (thinned to {@link #QUANTILES} order statistics beyond that
   * many); empty for a profile kept before scores were kept this way, whose score counts came from
   * the training rows and cannot be tested against.
   */
  public float[] scoreQuantiles() {
    return scoreQuantiles;
  }

  /** Number of out-of-sample scores: the size of the score reference. */
  public long scoreRows() {
    long t = 0;
    for (long c : scoreCounts) {
      t += c;
    }
    return t;
  }
}
