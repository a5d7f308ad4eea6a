package io.fleetlearn.monitor;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.ModelKind;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The fleet as the monitor sees it: per machine, the latest model update and drift report folded
 * into flat primitive arrays indexed by a dense machine number, so 10,000 machines cost a few
 * hundred kilobytes and ranking them allocates almost nothing. Plain Java, no Kafka, no Micrometer;
 * not thread-safe (one consumer thread owns it).
 *
 * <p>What is kept per machine:
 *
 * <ul>
 *   <li>from model updates: the current champion version, the status of the last decision, the
 *       champion's AUC and F1 (after PROMOTED the challenger's holdout metrics, after REJECTED the
 *       champion's metrics on the same holdout, after SKIPPED unchanged), and the end of the event
 *       time window the champion was trained on (its age); which candidate the champion is ({@link
 *       ModelKind}) and its alert threshold; its precision, recall and confusion counts at that
 *       threshold, and its lift: its AUC minus the fleet model's on the same holdout (from the
 *       record's {@code fleetMetrics}; unchanged by a record without them);
 *   <li>from drift reports (only a report for the same or a later window replaces the current one,
 *       so a late pane of an old window does not roll the state back): drift status, drifted flag,
 *       per-feature PSI and Holm-adjusted p-value, largest PSI, smallest adjusted p-value of the
 *       report's tests, window and reference label rates.
 * </ul>
 */
public final class FleetState {
  private static final int INITIAL_CAPACITY = 64;
  private static final ModelUpdate.Status[] STATUSES = ModelUpdate.Status.values();
  private static final DriftReport.Status[] DRIFT_STATUSES = DriftReport.Status.values();
  private static final ModelKind[] KINDS = ModelKind.values();

  private final Map<String, Integer> index = new HashMap<>();
  private final Map<List<String>, List<String>> featureLists = new HashMap<>();
  private int size;
  private String[] ids = new String[INITIAL_CAPACITY];
  private long[] version = new long[INITIAL_CAPACITY];
  private byte[] status = new byte[INITIAL_CAPACITY];
  private double[] auc = new double[INITIAL_CAPACITY];
  private double[] f1 = new double[INITIAL_CAPACITY];
  private double[] precision = new double[INITIAL_CAPACITY];
  private double[] recall = new double[INITIAL_CAPACITY];
  private double[] threshold = new double[INITIAL_CAPACITY];
  private double[] lift = new double[INITIAL_CAPACITY];
  private byte[] kind = new byte[INITIAL_CAPACITY];
  private long[][] confusion = new long[INITIAL_CAPACITY][];
  private long[] modelUntil = new long[INITIAL_CAPACITY];
  private byte[] driftStatus = new byte[INITIAL_CAPACITY];
  private long[] driftWindowEnd = new long[INITIAL_CAPACITY];
  private double[] maxPsi = new double[INITIAL_CAPACITY];
  private double[] minPValue = new double[INITIAL_CAPACITY];
  private double[] labelRate = new double[INITIAL_CAPACITY];
  private double[] referenceLabelRate = new double[INITIAL_CAPACITY];
  private double[][] featurePsi = new double[INITIAL_CAPACITY][];
  private double[][] featurePValue = new double[INITIAL_CAPACITY][];
  private List<String>[] features = newListArray(INITIAL_CAPACITY);

  /** No value yet: a machine without a model has no version time, etc. */
  public static final long NONE = Long.MIN_VALUE;

  @SuppressWarnings("unchecked")
  private static List<String>[] newListArray(int n) {
    return (List<String>[]) new List<?>[n];
  }

  /** Folds in one model update. */
  public void apply(ModelUpdate u) {
    int i = slot(u.machineId());
    version[i] = u.version();
    status[i] = (byte) u.status().ordinal();
    ClassificationMetrics champion = null;
    if (u.status() == ModelUpdate.Status.PROMOTED) {
      champion = u.metrics();
    } else if (u.status() == ModelUpdate.Status.REJECTED) {
      champion = u.championMetrics();
    }
    if (champion != null) {
      auc[i] = champion.auc();
      f1[i] = champion.f1();
      precision[i] = champion.precision();
      recall[i] = champion.recall();
      confusion[i] =
          champion.hasCounts()
              ? new long[] {champion.tp(), champion.fp(), champion.tn(), champion.fn()}
              : null;
      ClassificationMetrics fleet = u.fleetMetrics();
      lift[i] = fleet == null ? Double.NaN : champion.auc() - fleet.auc();
    }
    if (u.model() != null) {
      modelUntil[i] = u.modelWindowEnd();
      kind[i] = (byte) u.modelKind().ordinal();
      threshold[i] = u.modelThreshold();
    } else if (u.version() == 0) {
      modelUntil[i] = NONE;
      auc[i] = Double.NaN;
      f1[i] = Double.NaN;
      precision[i] = Double.NaN;
      recall[i] = Double.NaN;
      threshold[i] = Double.NaN;
      lift[i] = Double.NaN;
      kind[i] = -1;
      confusion[i] = null;
    }
  }

  /** Folds in one drift report, unless the machine already has one for a later window. */
  public void apply(DriftReport r) {
    int i = slot(r.machineId());
    if (driftStatus[i] >= 0 && r.windowEnd() < driftWindowEnd[i]) {
      return;
    }
    driftWindowEnd[i] = r.windowEnd();
    driftStatus[i] = (byte) r.status().ordinal();
    double[] psi = r.psi();
    if (psi.length == 0) {
      features[i] = List.of();
      featurePsi[i] = psi;
      featurePValue[i] = psi;
      maxPsi[i] = Double.NaN;
    } else {
      features[i] = featureLists.computeIfAbsent(r.features(), List::copyOf);
      featurePsi[i] = psi;
      featurePValue[i] = r.adjustedPValue();
      maxPsi[i] = r.maxPsi();
    }
    minPValue[i] = r.minAdjustedPValue();
    labelRate[i] = r.windowLabelRate();
    referenceLabelRate[i] = r.referenceLabelRate();
  }

  private int slot(String machineId) {
    Integer existing = index.get(machineId);
    if (existing != null) {
      return existing;
    }
    if (size == ids.length) {
      grow();
    }
    int i = size++;
    index.put(machineId, i);
    ids[i] = machineId;
    version[i] = 0;
    status[i] = -1;
    auc[i] = Double.NaN;
    f1[i] = Double.NaN;
    precision[i] = Double.NaN;
    recall[i] = Double.NaN;
    threshold[i] = Double.NaN;
    lift[i] = Double.NaN;
    kind[i] = -1;
    confusion[i] = null;
    modelUntil[i] = NONE;
    driftStatus[i] = -1;
    driftWindowEnd[i] = NONE;
    maxPsi[i] = Double.NaN;
    minPValue[i] = Double.NaN;
    labelRate[i] = Double.NaN;
    referenceLabelRate[i] = Double.NaN;
    featurePsi[i] = new double[0];
    featurePValue[i] = featurePsi[i];
    features[i] = List.of();
    return i;
  }

  private void grow() {
    int n = ids.length * 2;
    ids = Arrays.copyOf(ids, n);
    version = Arrays.copyOf(version, n);
    status = Arrays.copyOf(status, n);
    auc = Arrays.copyOf(auc, n);
    f1 = Arrays.copyOf(f1, n);
    precision = Arrays.copyOf(precision, n);
    recall = Arrays.copyOf(recall, n);
    threshold = Arrays.copyOf(threshold, n);
    lift = Arrays.copyOf(lift, n);
    kind = Arrays.copyOf(kind, n);
    confusion = Arrays.copyOf(confusion, n);
    modelUntil = Arrays.copyOf(modelUntil, n);
    driftStatus = Arrays.copyOf(driftStatus, n);
    driftWindowEnd = Arrays.copyOf(driftWindowEnd, n);
    maxPsi = Arrays.copyOf(maxPsi, n);
    minPValue = Arrays.copyOf(minPValue, n);
    labelRate = Arrays.copyOf(labelRate, n);
    referenceLabelRate = Arrays.copyOf(referenceLabelRate, n);
    featurePsi = Arrays.copyOf(featurePsi, n);
    featurePValue = Arrays.copyOf(featurePValue, n);
    features = Arrays.copyOf(features, n);
  }

  /** Machines seen so far. */
  public int size() {
    return size;
  }

  /** The dense number of a machine, or -1 if it was never seen. */
  public int indexOf(String machineId) {
    Integer i = index.get(machineId);
    return i == null ? -1 : i;
  }

  public String machineId(int i) {
    return ids[check(i)];
  }

  /** Current champion version; 0 without a model. */
  public long version(int i) {
    return version[check(i)];
  }

  /** Status of the machine's last model update, or null before its first. */
  public ModelUpdate.@Nullable Status status(int i) {
    byte s = status[check(i)];
    return s < 0 ? null : STATUSES[s];
  }

  /** Champion AUC; NaN without a champion. */
  public double championAuc(int i) {
    return auc[check(i)];
  }

  /** Champion F1; NaN without a champion. */
  public double championF1(int i) {
    return f1[check(i)];
  }

  /** Champion precision at its threshold; NaN without a champion. */
  public double championPrecision(int i) {
    return precision[check(i)];
  }

  /** Champion recall at its threshold; NaN without a champion. */
  public double championRecall(int i) {
    return recall[check(i)];
  }

  /** The champion's alert threshold; NaN without one. */
  public double threshold(int i) {
    return threshold[check(i)];
  }

  /** Champion AUC minus the fleet model's on the same holdout; NaN when not measured. */
  public double lift(int i) {
    return lift[check(i)];
  }

  /** Which candidate the champion is; null without a champion. */
  public @Nullable ModelKind kind(int i) {
    byte k = kind[check(i)];
    return k < 0 ? null : KINDS[k];
  }

  /** The champion's {tp, fp, tn, fn} on the latest holdout; null when unknown. */
  public long @Nullable [] confusion(int i) {
    return confusion[check(i)];
  }

  /** End of the window the champion was trained on (epoch millis), or {@link #NONE}. */
  public long modelTrainedUntilMillis(int i) {
    return modelUntil[check(i)];
  }

  /** Status of the latest drift report, or null before the first. */
  public DriftReport.@Nullable Status driftStatus(int i) {
    byte s = driftStatus[check(i)];
    return s < 0 ? null : DRIFT_STATUSES[s];
  }

  public boolean drifted(int i) {
    return driftStatus[check(i)] == DriftReport.Status.DRIFT.ordinal();
  }

  /** Largest per-feature PSI of the latest report; NaN when it had no statistics. */
  public double maxPsi(int i) {
    return maxPsi[check(i)];
  }

  /**
   * Smallest Holm-adjusted p-value of the latest report's tests (features, scores, label): its
   * strongest evidence of a change. NaN without tests (no statistics, or a report from before).
   */
  public double minAdjustedPValue(int i) {
    return minPValue[check(i)];
  }

  /** Features of the latest report that carry a PSI (empty without statistics). */
  public List<String> features(int i) {
    return features[check(i)];
  }

  /** PSI of {@code features(i).get(f)}. */
  public double featurePsi(int i, int f) {
    return featurePsi[check(i)][f];
  }

  /** Holm-adjusted p-value of {@code features(i).get(f)}; NaN in a report from before tests. */
  public double featureAdjustedPValue(int i, int f) {
    return featurePValue[check(i)][f];
  }

  /** Defect rate of the latest window; NaN without labelled events. */
  public double labelRate(int i) {
    return labelRate[check(i)];
  }

  /** Defect rate of the champion's training data; NaN when unknown. */
  public double referenceLabelRate(int i) {
    return referenceLabelRate[check(i)];
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("machine " + i + " of " + size);
    }
    return i;
  }

  /**
   * Negative when machine {@code a} is worse than {@code b}. Worst first: drifted machines, the
   * largest PSI first; then the others by champion AUC, lowest first, a machine without a champion
   * counting as the lowest; ties by machine id, so the order is stable.
   */
  public int compareWorse(int a, int b) {
    boolean da = drifted(a);
    boolean db = drifted(b);
    if (da != db) {
      return da ? -1 : 1;
    }
    if (da) {
      int c = Double.compare(orZero(maxPsi[b]), orZero(maxPsi[a]));
      if (c != 0) {
        return c;
      }
    }
    int c = Double.compare(aucRank(a), aucRank(b));
    if (c != 0) {
      return c;
    }
    return ids[a].compareTo(ids[b]);
  }

  private double aucRank(int i) {
    return Double.isNaN(auc[i]) ? Double.NEGATIVE_INFINITY : auc[i];
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  /**
   * The {@code n} worst machines, worst first (see {@link #compareWorse}). A bounded heap: O(M log
   * n) time for M machines and O(n) memory.
   */
  public int[] worst(int n) {
    int k = Math.min(n, size);
    if (k <= 0) {
      return new int[0];
    }
    // Max-heap on "worseness" inverted: the root is the least bad of the k kept so far.
    int[] heap = new int[k];
    int filled = 0;
    for (int i = 0; i < size; i++) {
      if (filled < k) {
        heap[filled] = i;
        siftUp(heap, filled++);
      } else if (compareWorse(i, heap[0]) < 0) {
        heap[0] = i;
        siftDown(heap, 0, k);
      }
    }
    // Heap-sort in place: repeatedly move the least bad to the end.
    for (int end = k - 1; end > 0; end--) {
      int t = heap[0];
      heap[0] = heap[end];
      heap[end] = t;
      siftDown(heap, 0, end);
    }
    return heap;
  }

  // Heap order: parent is "less bad" than (compares after) its children.
  private boolean lessBad(int a, int b) {
    return compareWorse(a, b) > 0;
  }

  private void siftUp(int[] h, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!lessBad(h[i], h[parent])) {
        return;
      }
      int t = h[i];
      h[i] = h[parent];
      h[parent] = t;
      i = parent;
    }
  }

  private void siftDown(int[] h, int i, int n) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        return;
      }
      int m = l;
      if (l + 1 < n && lessBad(h[l + 1], h[l])) {
        m = l + 1;
      }
      if (!lessBad(h[m], h[i])) {
        return;
      }
      int t = h[i];
      h[i] = h[m];
      h[m] = t;
      i = m;
    }
  }

  /** Fleet-wide aggregates: counts and AUC and lift quantiles, no machine ids. */
  public Summary summarize(double[] quantiles) {
    int[] byKind = new int[KINDS.length];
    double[] lifts = new double[size];
    int nl = 0;
    long[] confusionSum = new long[4];
    int[] byStatus = new int[STATUSES.length];
    int[] byDrift = new int[DRIFT_STATUSES.length];
    int withModel = 0;
    int drifting = 0;
    long oldestModel = NONE;
    double[] aucs = new double[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (status[i] >= 0) {
        byStatus[status[i]]++;
      }
      if (driftStatus[i] >= 0) {
        byDrift[driftStatus[i]]++;
      }
      if (drifted(i)) {
        drifting++;
      }
      if (version[i] > 0 && kind[i] >= 0) {
        byKind[kind[i]]++;
      }
      if (!Double.isNaN(lift[i])) {
        lifts[nl++] = lift[i];
      }
      if (confusion[i] != null) {
        for (int c = 0; c < 4; c++) {
          confusionSum[c] += confusion[i][c];
        }
      }
      if (version[i] > 0) {
        withModel++;
        if (modelUntil[i] != NONE && (oldestModel == NONE || modelUntil[i] < oldestModel)) {
          oldestModel = modelUntil[i];
        }
      }
      if (!Double.isNaN(auc[i])) {
        aucs[n++] = auc[i];
      }
    }
    Arrays.sort(aucs, 0, n);
    double[] q = new double[quantiles.length];
    for (int j = 0; j < quantiles.length; j++) {
      q[j] = quantile(aucs, n, quantiles[j]);
    }
    Arrays.sort(lifts, 0, nl);
    double[] lq = new double[quantiles.length];
    for (int j = 0; j < quantiles.length; j++) {
      lq[j] = quantile(lifts, nl, quantiles[j]);
    }
    return new Summary(
        size, withModel, byStatus, byDrift, drifting, q, oldestModel, byKind, lq, nl, confusionSum);
  }

  /** Linear interpolation between closest ranks (type 7); NaN for no values. */
  static double quantile(double[] sorted, int n, double p) {
    if (n == 0) {
      return Double.NaN;
    }
    double h = (n - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, n - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Fleet aggregates at one moment. */
  public static final class Summary {
    private final int machines;
    private final int withModel;
    private final int[] byStatus;
    private final int[] byDriftStatus;
    private final int drifting;
    private final double[] aucQuantiles;
    private final long oldestModelUntilMillis;
    private final int[] byKind;
    private final double[] liftQuantiles;
    private final int withLift;
    private final long[] confusion;

    Summary(
        int machines,
        int withModel,
        int[] byStatus,
        int[] byDriftStatus,
        int drifting,
        double[] aucQuantiles,
        long oldestModelUntilMillis,
        int[] byKind,
        double[] liftQuantiles,
        int withLift,
        long[] confusion) {
      this.byKind = byKind;
      this.liftQuantiles = liftQuantiles;
      this.withLift = withLift;
      this.confusion = confusion;
      this.machines = machines;
      this.withModel = withModel;
      this.byStatus = byStatus;
      this.byDriftStatus = byDriftStatus;
      this.drifting = drifting;
      this.aucQuantiles = aucQuantiles;
      this.oldestModelUntilMillis = oldestModelUntilMillis;
    }

    static Summary empty(int quantiles) {
      double[] q = new double[quantiles];
      Arrays.fill(q, Double.NaN);
      return new Summary(
          0,
          0,
          new int[STATUSES.length],
          new int[DRIFT_STATUSES.length],
          0,
          q,
          NONE,
          new int[KINDS.length],
          q.clone(),
          0,
          new long[4]);
    }

    /** Machines whose champion is of kind {@code k}. */
    public int byKind(ModelKind k) {
      return byKind[k.ordinal()];
    }

    /** Lift (champion AUC minus fleet AUC) at the {@code j}-th quantile; NaN when none measured. */
    public double liftQuantile(int j) {
      return liftQuantiles[j];
    }

    /** Machines whose lift is known. */
    public int withLift() {
      return withLift;
    }

    /** Sum over machines of the champions' {tp, fp, tn, fn} on their latest holdouts. */
    public long confusion(int cell) {
      return confusion[cell];
    }

    public int machines() {
      return machines;
    }

    public int withModel() {
      return withModel;
    }

    public int byStatus(ModelUpdate.Status s) {
      return byStatus[s.ordinal()];
    }

    public int byDriftStatus(DriftReport.Status s) {
      return byDriftStatus[s.ordinal()];
    }

    public int drifting() {
      return drifting;
    }

    /** AUC at the {@code j}-th requested quantile; NaN when no machine has a champion. */
    public double aucQuantile(int j) {
      return aucQuantiles[j];
    }

    /** End of the oldest champion's training window, or {@link FleetState#NONE}. */
    public long oldestModelUntilMillis() {
      return oldestModelUntilMillis;
    }
  }
}
