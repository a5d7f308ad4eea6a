package io.fleetlearn.monitor;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ModelKind;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Exports a {@link FleetState} as Micrometer gauges, behind a cardinality guard: per-machine series
 * only for the {@code worstMachines} worst machines (drifted first, then lowest champion AUC; see
 * {@link FleetState#compareWorse}) plus an explicit watch list; everything else only in fleet-wide
 * aggregates without a machine label. However large the fleet, the per-machine series number at
 * most {@code (worstMachines + watched) × (20 + 2 × features)}. The fleet-wide series include the
 * machines per model kind and quantiles of the per-machine lift (champion AUC minus the fleet
 * model's on the same holdout), a fixed number whatever the fleet size.
 *
 * <p>{@link #refresh} runs on the thread that owns the state and copies what it exports into small
 * per-machine views; the scrape thread reads only those views (volatile fields), never the state. A
 * machine that leaves the exported set has its series removed, so Prometheus marks them stale.
 */
public final class FleetGauges {
  /** Quantiles of the champions' AUC across the fleet, as label values. */
  static final String[] AUC_QUANTILE_LABELS = {"0", "0.05", "0.25", "0.5", "0.75", "0.95", "1"};

  private static final double[] AUC_QUANTILES = {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1};
  private static final String MACHINE = "machine_id";

  private final int worstMachines;
  private final Set<String> watch;
  private final LongSupplier clock;
  private volatile FleetState.Summary summary = FleetState.Summary.empty(AUC_QUANTILES.length);
  private volatile int exportedCount;
  // Owned by the refreshing thread.
  private Map<String, MachineView> exported = new HashMap<>();

  private final MultiGauge version;
  private final MultiGauge age;
  private final MultiGauge auc;
  private final MultiGauge f1;
  private final MultiGauge maxPsi;
  private final MultiGauge featurePsi;
  private final MultiGauge minPValue;
  private final MultiGauge featurePValue;
  private final MultiGauge drifted;
  private final MultiGauge status;
  private final MultiGauge labelRate;
  private final MultiGauge referenceLabelRate;
  private final MultiGauge rank;
  private final MultiGauge precision;
  private final MultiGauge recall;
  private final MultiGauge threshold;
  private final MultiGauge lift;
  private final MultiGauge kind;
  private final MultiGauge confusion;

  /** Cells of a confusion matrix, as label values, in {@link FleetState#confusion} order. */
  static final String[] CELLS = {"tp", "fp", "tn", "fn"};

  public FleetGauges(
      MeterRegistry registry, int worstMachines, Set<String> watch, LongSupplier clock) {
    if (worstMachines < 0) {
      throw new IllegalArgumentException("worstMachines must be >= 0: " + worstMachines);
    }
    this.worstMachines = worstMachines;
    this.watch = Set.copyOf(watch);
    this.clock = clock;
    version = multi(registry, "fleetlearn.machine.model.version", null, "Current champion version");
    age =
        multi(
            registry,
            "fleetlearn.machine.model.age",
            "seconds",
            "Wall clock minus the end of the event-time window the champion was trained on");
    auc =
        multi(
            registry,
            "fleetlearn.machine.champion.auc",
            null,
            "Champion AUC on the latest holdout");
    f1 =
        multi(
            registry, "fleetlearn.machine.champion.f1", null, "Champion F1 on the latest holdout");
    maxPsi =
        multi(
            registry, "fleetlearn.machine.max.psi", null, "Largest feature PSI of the last window");
    featurePsi =
        multi(registry, "fleetlearn.machine.feature.psi", null, "Feature PSI of the last window");
    minPValue =
        multi(
            registry,
            "fleetlearn.machine.min.adjusted.p.value",
            null,
            "Smallest Holm-adjusted p-value of the last drift report's tests (DRIFT needs it at"
                + " most --alphaDrift)");
    featurePValue =
        multi(
            registry,
            "fleetlearn.machine.feature.adjusted.p.value",
            null,
            "Holm-adjusted p-value of each feature's test in the last drift report");
    drifted =
        multi(
            registry,
            "fleetlearn.machine.drifted",
            null,
            "1 if the last drift report said DRIFT (a significant shift at least the drift floor),"
                + " else 0");
    status =
        multi(
            registry,
            "fleetlearn.machine.status",
            null,
            "1 for the status of the machine's last model update");
    labelRate =
        multi(registry, "fleetlearn.machine.label.rate", null, "Defect rate of the last window");
    referenceLabelRate =
        multi(
            registry,
            "fleetlearn.machine.reference.label.rate",
            null,
            "Defect rate of the champion's training data");
    rank =
        multi(
            registry,
            "fleetlearn.machine.worst.rank",
            null,
            "Rank among the worst machines (1 = worst); only the exported worst machines have it");

    precision =
        multi(
            registry,
            "fleetlearn.machine.champion.precision",
            null,
            "Champion precision on the latest holdout at its own alert threshold");
    recall =
        multi(
            registry,
            "fleetlearn.machine.champion.recall",
            null,
            "Champion recall on the latest holdout at its own alert threshold");
    threshold =
        multi(
            registry, "fleetlearn.machine.alert.threshold", null, "The champion's alert threshold");
    lift =
        multi(
            registry,
            "fleetlearn.machine.lift.auc",
            null,
            "Champion AUC minus the fleet model's AUC on the same holdout");
    kind =
        multi(
            registry,
            "fleetlearn.machine.model.kind",
            null,
            "1 for the kind of the machine's champion (OWN, FLEET_TUNED, FLEET)");
    confusion =
        multi(
            registry,
            "fleetlearn.machine.champion.confusion",
            null,
            "Champion confusion counts (cell = tp, fp, tn, fn) on the latest holdout at its own"
                + " alert threshold");
    for (ModelKind k : ModelKind.values()) {
      gauge(
          registry,
          "fleetlearn.fleet.machines.by.kind",
          null,
          "Machines by the kind of their champion: own model, fleet model tuned on the machine, or"
              + " the fleet model",
          g -> g.summary.byKind(k),
          Tags.of("kind", k.name()));
    }
    for (int j = 0; j < AUC_QUANTILES.length; j++) {
      int q = j;
      gauge(
          registry,
          "fleetlearn.fleet.lift.auc",
          null,
          "Quantiles across the fleet of the per-machine lift: champion AUC minus the fleet"
              + " model's AUC on the machine's holdout (0 = min, 1 = max)",
          g -> g.summary.liftQuantile(q),
          Tags.of("q", AUC_QUANTILE_LABELS[j]));
    }
    gauge(
        registry,
        "fleetlearn.fleet.machines.with.lift",
        null,
        "Machines whose lift over the fleet model has been measured",
        g -> g.summary.withLift(),
        Tags.empty());
    for (int c = 0; c < CELLS.length; c++) {
      int cell = c;
      gauge(
          registry,
          "fleetlearn.fleet.champion.confusion",
          null,
          "Champions' confusion counts on their latest holdouts, each at its own threshold, summed"
              + " over the fleet (cell = tp, fp, tn, fn)",
          g -> g.summary.confusion(cell),
          Tags.of("cell", CELLS[c]));
    }
    gauge(
        registry,
        "fleetlearn.fleet.machines",
        null,
        "Machines the monitor has seen",
        g -> g.summary.machines(),
        Tags.empty());
    gauge(
        registry,
        "fleetlearn.fleet.machines.with.model",
        null,
        "Machines with a champion",
        g -> g.summary.withModel(),
        Tags.empty());
    for (ModelUpdate.Status s : ModelUpdate.Status.values()) {
      gauge(
          registry,
          "fleetlearn.fleet.machines.by.status",
          null,
          "Machines by the status of their last model update",
          g -> g.summary.byStatus(s),
          Tags.of("status", s.name()));
    }
    for (DriftReport.Status s : DriftReport.Status.values()) {
      gauge(
          registry,
          "fleetlearn.fleet.machines.by.drift.status",
          null,
          "Machines by the status of their last drift report",
          g -> g.summary.byDriftStatus(s),
          Tags.of("status", s.name()));
    }
    gauge(
        registry,
        "fleetlearn.fleet.drifting.machines",
        null,
        "Machines whose last drift report said DRIFT",
        g -> g.summary.drifting(),
        Tags.empty());
    for (int j = 0; j < AUC_QUANTILES.length; j++) {
      int q = j;
      gauge(
          registry,
          "fleetlearn.fleet.champion.auc",
          null,
          "Quantiles of the champions' AUC across the fleet (0 = min, 1 = max)",
          g -> g.summary.aucQuantile(q),
          Tags.of("q", AUC_QUANTILE_LABELS[j]));
    }
    gauge(
        registry,
        "fleetlearn.fleet.oldest.model.age",
        "seconds",
        "Age of the oldest champion (wall clock minus the end of its training window)",
        g -> g.ageSeconds(g.summary.oldestModelUntilMillis()),
        Tags.empty());
    gauge(
        registry,
        "fleetlearn.monitor.exported.machines",
        null,
        "Machines exported individually (worst N plus watch list)",
        g -> g.exportedCount,
        Tags.empty());
  }

  private static MultiGauge multi(
      MeterRegistry registry, String name, String baseUnit, String description) {
    MultiGauge.Builder b = MultiGauge.builder(name).description(description);
    if (baseUnit != null) {
      b.baseUnit(baseUnit);
    }
    return b.register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String baseUnit,
      String description,
      ToDoubleFunction<FleetGauges> f,
      Tags tags) {
    Gauge.Builder<FleetGauges> b =
        Gauge.builder(name, this, f).description(description).tags(tags).strongReference(true);
    if (baseUnit != null) {
      b.baseUnit(baseUnit);
    }
    b.register(registry);
  }

  private double ageSeconds(long untilMillis) {
    return untilMillis == FleetState.NONE ? Double.NaN : (clock.getAsLong() - untilMillis) / 1000.0;
  }

  /** Recomputes the aggregates and the exported machines from {@code state}. */
  public void refresh(FleetState state) {
    summary = state.summarize(AUC_QUANTILES);
    int[] worst = state.worst(worstMachines);
    Map<String, MachineView> next = new LinkedHashMap<>();
    for (int r = 0; r < worst.length; r++) {
      view(state, worst[r], r + 1, next);
    }
    for (String id : watch) {
      int i = state.indexOf(id);
      if (i >= 0 && !next.containsKey(id)) {
        view(state, i, 0, next);
      }
    }
    exported = next;
    exportedCount = next.size();
    List<MultiGauge.Row<?>> versions = new ArrayList<>();
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    List<MultiGauge.Row<?>> aucs = new ArrayList<>();
    List<MultiGauge.Row<?>> f1s = new ArrayList<>();
    List<MultiGauge.Row<?>> maxPsis = new ArrayList<>();
    List<MultiGauge.Row<?>> psis = new ArrayList<>();
    List<MultiGauge.Row<?>> minPs = new ArrayList<>();
    List<MultiGauge.Row<?>> pValues = new ArrayList<>();
    List<MultiGauge.Row<?>> drifts = new ArrayList<>();
    List<MultiGauge.Row<?>> statuses = new ArrayList<>();
    List<MultiGauge.Row<?>> labels = new ArrayList<>();
    List<MultiGauge.Row<?>> refLabels = new ArrayList<>();
    List<MultiGauge.Row<?>> ranks = new ArrayList<>();
    List<MultiGauge.Row<?>> precisions = new ArrayList<>();
    List<MultiGauge.Row<?>> recalls = new ArrayList<>();
    List<MultiGauge.Row<?>> thresholds = new ArrayList<>();
    List<MultiGauge.Row<?>> lifts = new ArrayList<>();
    List<MultiGauge.Row<?>> kinds = new ArrayList<>();
    List<MultiGauge.Row<?>> cells = new ArrayList<>();
    for (MachineView v : next.values()) {
      Tags t = Tags.of(MACHINE, v.machineId);
      versions.add(MultiGauge.Row.of(t, v, m -> m.version));
      aucs.add(MultiGauge.Row.of(t, v, m -> m.auc));
      f1s.add(MultiGauge.Row.of(t, v, m -> m.f1));
      drifts.add(MultiGauge.Row.of(t, v, m -> m.drifted ? 1 : 0));
      if (v.modelUntilMillis != FleetState.NONE) {
        ages.add(MultiGauge.Row.of(t, v, m -> ageSeconds(m.modelUntilMillis)));
      }
      if (!Double.isNaN(v.maxPsi)) {
        maxPsis.add(MultiGauge.Row.of(t, v, m -> m.maxPsi));
      }
      for (String feature : v.psi.keySet()) {
        psis.add(
            MultiGauge.Row.of(
                t.and("feature", feature), v, m -> m.psi.getOrDefault(feature, Double.NaN)));
      }
      if (!Double.isNaN(v.minPValue)) {
        minPs.add(MultiGauge.Row.of(t, v, m -> m.minPValue));
      }
      for (String feature : v.pValue.keySet()) {
        pValues.add(
            MultiGauge.Row.of(
                t.and("feature", feature), v, m -> m.pValue.getOrDefault(feature, Double.NaN)));
      }
      if (v.status != null) {
        statuses.add(MultiGauge.Row.of(t.and("status", v.status), v, m -> 1));
      }
      if (!Double.isNaN(v.labelRate)) {
        labels.add(MultiGauge.Row.of(t, v, m -> m.labelRate));
      }
      if (!Double.isNaN(v.referenceLabelRate)) {
        refLabels.add(MultiGauge.Row.of(t, v, m -> m.referenceLabelRate));
      }
      if (v.rank > 0) {
        ranks.add(MultiGauge.Row.of(t, v, m -> m.rank));
      }
      if (!Double.isNaN(v.precision)) {
        precisions.add(MultiGauge.Row.of(t, v, m -> m.precision));
        recalls.add(MultiGauge.Row.of(t, v, m -> m.recall));
      }
      if (!Double.isNaN(v.threshold)) {
        thresholds.add(MultiGauge.Row.of(t, v, m -> m.threshold));
      }
      if (!Double.isNaN(v.lift)) {
        lifts.add(MultiGauge.Row.of(t, v, m -> m.lift));
      }
      if (v.kind != null) {
        kinds.add(MultiGauge.Row.of(t.and("kind", v.kind), v, m -> 1));
      }
      if (v.confusion != null) {
        for (int c = 0; c < CELLS.length; c++) {
          int cell = c;
          cells.add(
              MultiGauge.Row.of(
                  t.and("cell", CELLS[c]),
                  v,
                  m -> m.confusion == null ? Double.NaN : m.confusion[cell]));
        }
      }
    }
    // overwrite = false: a machine that stays exported keeps its gauges (they read its view); the
    // rows of machines that left the set are removed.
    version.register(versions, false);
    age.register(ages, false);
    auc.register(aucs, false);
    f1.register(f1s, false);
    maxPsi.register(maxPsis, false);
    featurePsi.register(psis, false);
    minPValue.register(minPs, false);
    featurePValue.register(pValues, false);
    drifted.register(drifts, false);
    status.register(statuses, false);
    labelRate.register(labels, false);
    referenceLabelRate.register(refLabels, false);
    rank.register(ranks, false);
    precision.register(precisions, false);
    recall.register(recalls, false);
    threshold.register(thresholds, false);
    lift.register(lifts, false);
    kind.register(kinds, false);
    confusion.register(cells, false);
  }

  private void view(FleetState s, int i, int rankValue, Map<String, MachineView> into) {
    String id = s.machineId(i);
    MachineView v = exported.get(id);
    if (v == null) {
      v = new MachineView(id);
    }
    v.version = s.version(i);
    v.auc = s.championAuc(i);
    v.f1 = s.championF1(i);
    v.modelUntilMillis = s.modelTrainedUntilMillis(i);
    v.maxPsi = s.maxPsi(i);
    v.minPValue = s.minAdjustedPValue(i);
    v.drifted = s.drifted(i);
    ModelUpdate.Status st = s.status(i);
    v.status = st == null ? null : st.name();
    v.labelRate = s.labelRate(i);
    v.referenceLabelRate = s.referenceLabelRate(i);
    v.rank = rankValue;
    v.precision = s.championPrecision(i);
    v.recall = s.championRecall(i);
    v.threshold = s.threshold(i);
    v.lift = s.lift(i);
    ModelKind k = s.kind(i);
    v.kind = k == null ? null : k.name();
    v.confusion = s.confusion(i);
    List<String> features = s.features(i);
    Map<String, Double> psi = new LinkedHashMap<>();
    Map<String, Double> pValue = new LinkedHashMap<>();
    for (int f = 0; f < features.size(); f++) {
      psi.put(features.get(f), s.featurePsi(i, f));
      double p = s.featureAdjustedPValue(i, f);
      if (!Double.isNaN(p)) {
        pValue.put(features.get(f), p);
      }
    }
    v.psi = psi;
    v.pValue = pValue;
    into.put(id, v);
  }

  /** Machines currently exported individually. */
  public int exportedMachines() {
    return exportedCount;
  }

  /** What the gauges of one exported machine read; written by refresh, read by scrapes. */
  private static final class MachineView {
    final String machineId;
    volatile long version;
    volatile double auc;
    volatile double f1;
    volatile long modelUntilMillis;
    volatile double maxPsi;
    volatile double minPValue;
    volatile boolean drifted;
    volatile String status;
    volatile double labelRate;
    volatile double referenceLabelRate;
    volatile int rank;
    volatile double precision;
    volatile double recall;
    volatile double threshold;
    volatile double lift;
    volatile String kind;
    volatile long[] confusion;
    volatile Map<String, Double> psi = Map.of();
    volatile Map<String, Double> pValue = Map.of();

    MachineView(String machineId) {
      this.machineId = machineId;
    }
  }
}
