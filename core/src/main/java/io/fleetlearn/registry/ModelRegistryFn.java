package io.fleetlearn.registry;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.drift.DriftDetector;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.scoring.ModelEvaluator;
import io.fleetlearn.scoring.ModelEvaluators;
import io.fleetlearn.training.AlertRule;
import io.fleetlearn.training.BinaryMetrics;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.ThresholdCalibration;
import io.fleetlearn.training.ThresholdCalibrationCoder;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-machine model registry: a stateful DoFn in the global window, keyed by machine id, that
 * holds each machine's champion ({@link ChampionState}) across windows. For every window pane it
 *
 * <ol>
 *   <li>measures drift of the window against the champion's training data and emits a {@link
 *       DriftReport} (also for skipped windows);
 *   <li>decides the window's challenger with the {@link PromotionPolicy}, both models scored on the
 *       challenger's holdout, and assigns versions (+1 per promotion, never reused, no gaps);
 *   <li>emits one {@link ModelUpdate} carrying the decision and the current champion.
 * </ol>
 *
 * <p>While a champion stays, its scores of each later window's labelled rows (first panes only,
 * which it never trained on) accumulate in a {@link ThresholdCalibration}, started at promotion
 * with its holdout. When the defects among them have doubled since its threshold was chosen, or its
 * threshold clearly misses the precision floor on them, the threshold is chosen again there; if it
 * changes, the same model is published as the next version with the new threshold, and the record
 * says so ({@link ModelUpdate#recalibration()}). Scorers take it as they take a promotion.
 *
 * <p>Before it decides a window, the registry consults the model-updates topic through {@link
 * RegistrySeeds} (unless seeding is off): a machine without an entry in state, or one whose entry
 * is older than the topic's latest record, adopts the champion of that record and continues its
 * versions after the highest one on the topic ({@link ChampionSeed}). A record that cannot be used
 * is logged and counted ({@code seeds_ignored}), never a failure.
 *
 * <p>A window pane that the topic has already decided ({@link RegistrySeeds.Lookup#decided}, which
 * answers only with at-least-once publishing) is a replay after a failure: the registry publishes
 * that record again as it is, instead of adopting the champion of a later record and deciding the
 * window a second time against it. Its state moves to the champion the record carries, so the
 * windows after it are decided as they were the first time.
 *
 * <p>A machine that sends nothing for {@code retention} of event time has its entry cleared by an
 * event-time timer, because state in the global window is never garbage-collected otherwise. If it
 * comes back, its entry is read again from the topic, so its versions still continue.
 */
public final class ModelRegistryFn extends DoFn<KV<String, WindowOutcome>, ModelUpdate> {
  private final FeatureSchema schema;
  private final TrainingParams params;
  private final PromotionPolicy policy;
  private final DriftDetector drift;
  private final Duration retention;
  private final TupleTag<ModelUpdate> updatesTag;
  private final TupleTag<DriftReport> driftTag;
  private final MetricsConfig metricsConfig;
  private final RegistrySeeds seeds;
  private final boolean fleetFallback;
  private transient PipelineMetrics metrics;
  private transient RegistrySeeds.@Nullable Lookup lookup;

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistryFn.class);

  /** Appended to the reason of a SKIPPED record of a machine that the fleet model scores. */
  public static final String FLEET_SERVES = "no champion yet: the fleet model scores this machine";

  private final Counter promoted = Metrics.counter("fleetlearn", "models_promoted");
  private final Counter rejected = Metrics.counter("fleetlearn", "models_rejected");
  private final Counter skipped = Metrics.counter("fleetlearn", "windows_skipped");
  private final Counter drifting = Metrics.counter("fleetlearn", "drift_reports_drifted");
  private final Counter expired = Metrics.counter("fleetlearn", "registry_entries_expired");
  private final Counter seedsAdopted = Metrics.counter("fleetlearn", "seeds_adopted");
  private final Counter seedsIgnored = Metrics.counter("fleetlearn", "seeds_ignored");
  private final Counter decisionsRepublished =
      Metrics.counter("fleetlearn", "decisions_republished");
  private final Counter recalibrated = Metrics.counter("fleetlearn", "thresholds_recalibrated");

  /** The champion's scores of rows it never trained on; absent while it has none. */
  @StateId("calibration")
  private final StateSpec<ValueState<ThresholdCalibration>> calibrationSpec =
      StateSpecs.value(ThresholdCalibrationCoder.of());

  @StateId("champion")
  private final StateSpec<ValueState<ChampionState>> championSpec =
      StateSpecs.value(ChampionStateCoder.of());

  /**
   * The highest version the topic holds for the machine when that is above its champion's (or it
   * has none): the next promotion is numbered after it. Usually empty.
   */
  @StateId("versionFloor")
  private final StateSpec<ValueState<Long>> versionFloorSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("expiry")
  private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  public ModelRegistryFn(
      FeatureSchema schema,
      TrainingParams params,
      PromotionPolicy policy,
      DriftDetector drift,
      Duration retention,
      TupleTag<ModelUpdate> updatesTag,
      TupleTag<DriftReport> driftTag,
      MetricsConfig metricsConfig,
      RegistrySeeds seeds) {
    this(
        schema,
        params,
        policy,
        drift,
        retention,
        updatesTag,
        driftTag,
        metricsConfig,
        seeds,
        false);
  }

  /**
   * @param fleetFallback the fleet model scores machines without a champion: their SKIPPED records
   *     say so
   */
  public ModelRegistryFn(
      FeatureSchema schema,
      TrainingParams params,
      PromotionPolicy policy,
      DriftDetector drift,
      Duration retention,
      TupleTag<ModelUpdate> updatesTag,
      TupleTag<DriftReport> driftTag,
      MetricsConfig metricsConfig,
      RegistrySeeds seeds,
      boolean fleetFallback) {
    this.fleetFallback = fleetFallback;
    this.schema = schema;
    this.params = params;
    this.policy = policy;
    this.drift = drift;
    this.retention = retention;
    this.updatesTag = updatesTag;
    this.driftTag = driftTag;
    this.metricsConfig = metricsConfig;
    this.seeds = seeds;
  }

  @Setup
  public void setup() {
    metrics = PipelineMetrics.acquire(metricsConfig);
    if (!(seeds instanceof RegistrySeeds.NoSeeds)) {
      lookup = seeds.open();
    }
  }

  @Teardown
  public void teardown() {
    if (lookup != null) {
      lookup.close();
      lookup = null;
    }
    if (metrics != null) {
      metrics.release();
      metrics = null;
    }
  }

  @ProcessElement
  public void process(
      @Element KV<String, WindowOutcome> element,
      @StateId("champion") ValueState<ChampionState> championState,
      @StateId("versionFloor") ValueState<Long> versionFloor,
      @StateId("calibration") ValueState<ThresholdCalibration> calibrationState,
      @TimerId("expiry") Timer expiry,
      MultiOutputReceiver out)
      throws XGBoostError {
    WindowOutcome o = element.getValue();
    ChampionState champion = championState.read();
    Long storedFloor = versionFloor.read();
    long floor = storedFloor == null ? 0 : storedFloor;
    SeedRecord decidedBefore = lookup == null ? null : decided(o);
    ModelUpdate earlier = decidedBefore == null ? null : earlierDecision(o, decidedBefore);
    double adoptedBasis = ChampionSeed.UNKNOWN_THRESHOLD_BASIS;
    if (lookup != null && earlier == null) {
      long known = Math.max(champion == null ? 0 : champion.version(), floor);
      // Without an entry, look at the topic (it may have gained the machine since the last look);
      // with one, only when what the lookup has already seen is newer than the entry.
      if (champion == null || highestVersion(o.machineId()) > known) {
        SeedRecord record = latest(o.machineId());
        if (record != null) {
          ChampionSeed.Result seed = ChampionSeed.from(o.machineId(), record, schema.names());
          if (seed.problem() != null) {
            seedsIgnored.inc();
            LOG.warn(
                "Ignoring the model-updates record of {} at {} as a champion: {}",
                o.machineId(),
                record.coordinates(),
                seed.problem());
          }
          ChampionState adopted = seed.champion();
          if (adopted != null && ChampionSeed.adopts(champion, adopted)) {
            seedsAdopted.inc();
            LOG.info(
                "{}: adopted champion v{} from model-updates ({}){}",
                o.machineId(),
                adopted.version(),
                record.coordinates(),
                champion == null ? "" : ", replacing v" + champion.version() + " in state");
            champion = adopted;
            championState.write(adopted);
            adoptedBasis = seed.thresholdBasis();
          }
          long current = champion == null ? 0 : champion.version();
          if (seed.versionFloor() > Math.max(current, floor)) {
            floor = seed.versionFloor();
            versionFloor.write(floor);
          }
        }
      }
    }
    float[] championScores = null;
    String championProblem = null;
    if (champion != null) {
      try {
        championScores = scoreSample(champion.model(), o.sample());
      } catch (XGBoostError e) {
        // A champion that cannot score is as good as none: the next challenger replaces it.
        championProblem = e.getMessage();
      }
    }
    ThresholdCalibration stored = params.recalibrateThresholds() ? calibrationState.read() : null;
    ThresholdCalibration calibration = null;
    if (params.recalibrateThresholds() && champion != null) {
      calibration = stored;
      if (calibration == null || !calibration.isOf(champion.modelSha256())) {
        // A champion adopted from the topic, or kept in state from before calibrations existed.
        calibration = ThresholdCalibration.start(champion.modelSha256(), adoptedBasis);
      }
      if (championScores != null && o.paneIndex() == 0 && o.windowStart() >= champion.windowEnd()) {
        // A later window's first pane: rows the champion never trained on, each counted once.
        calibration = calibration.add(championScores, o.sample().labelArray(), o.sample().size());
      }
    }
    DriftReport report =
        drift.compare(
            o.machineId(),
            o.windowStart(),
            o.windowEnd(),
            o.paneIndex(),
            champion == null ? 0 : champion.version(),
            o.sample(),
            // A champion adopted from the topic has no training data to compare with.
            champion == null || champion.reference().isEmpty() ? null : champion.reference(),
            championScores,
            championScores == null
                ? null
                : labelledMetrics(o.sample(), championScores, thresholdOf(champion)));
    if (report.drifted()) {
      drifting.inc();
    }
    metrics.driftReport(report.status());
    out.get(driftTag).output(report);

    Decided d;
    if (earlier != null) {
      d = republish(o, earlier, decidedBefore, champion, calibration, out);
    } else {
      d = decide(o, champion, floor, championScores, championProblem, calibration, out);
    }
    ChampionState next = d.champion();
    if (d.calibration() == null) {
      if (stored != null) {
        calibrationState.clear();
      }
    } else if (!d.calibration().equals(stored)) {
      calibrationState.write(d.calibration());
    }
    if (next != champion) {
      championState.write(next);
      if (floor > 0 && next.version() >= floor) {
        versionFloor.clear(); // the new champion's version is at or above it
      }
    }
    expiry.set(new Instant(o.windowEnd()).plus(retention));
  }

  /** The champion after a window pane, and its calibration (null without recalibration). */
  private record Decided(
      @Nullable ChampionState champion, @Nullable ThresholdCalibration calibration) {}

  private Decided decide(
      WindowOutcome o,
      @Nullable ChampionState champion,
      long versionFloor,
      float @Nullable [] championScores,
      @Nullable String championProblem,
      @Nullable ThresholdCalibration calibration,
      MultiOutputReceiver out)
      throws XGBoostError {
    TrainingResult r = o.result();
    ModelUpdate.Builder u = base(o);
    ChampionState next = champion;
    ThresholdCalibration nextCalibration = calibration;
    String reason;
    if (!r.isTrained()) {
      skipped.inc();
      u.status(ModelUpdate.Status.SKIPPED);
      reason = champion == null && fleetFallback ? r.reason() + "; " + FLEET_SERVES : r.reason();
    } else if (champion != null && o.windowEnd() < champion.windowEnd()) {
      rejected.inc();
      u.status(ModelUpdate.Status.REJECTED).metrics(r.metrics()).selection(r.selection());
      reason =
          "stale window: challenger trained on a window ending "
              + new Instant(o.windowEnd())
              + ", champion v"
              + champion.version()
              + " on one ending "
              + new Instant(champion.windowEnd());
    } else {
      ClassificationMetrics onHoldout =
          championScores == null ? null : holdoutMetrics(o, championScores, thresholdOf(champion));
      PromotionPolicy.Decision d =
          policy.decide(
              r.metrics(), onHoldout, champion == null ? null : champion.trainingMetrics());
      u.metrics(r.metrics()).championMetrics(onHoldout).selection(r.selection());
      // Without a champion, or with one that could not score the holdout, the policy decides as
      // for a first model: promoted unless the challenger is below the promotion floor.
      if (d.promoted()) {
        float[] newScores = newModelScores(r, o.sample());
        next =
            trainedHere(
                Math.max(champion == null ? 0 : champion.version(), versionFloor) + 1,
                ModelUpdate.sha256(r.model()),
                o,
                newScores);
        nextCalibration = startCalibration(next, o, newScores);
        promoted.inc();
        u.status(ModelUpdate.Status.PROMOTED);
        reason =
            championProblem != null ? "champion could not score: " + championProblem : d.reason();
      } else {
        rejected.inc();
        u.status(ModelUpdate.Status.REJECTED);
        reason = champion == null && fleetFallback ? d.reason() + "; " + FLEET_SERVES : d.reason();
      }
    }
    if (next != null && next == champion && nextCalibration != null) {
      double served = thresholdOf(champion);
      if (nextCalibration.due(served, params.minAlertPrecision())) {
        double t = rechoose(nextCalibration);
        nextCalibration = nextCalibration.rebased();
        if (!Double.isNaN(t) && t != champion.threshold()) {
          next = champion.withThreshold(Math.max(champion.version(), versionFloor) + 1, t);
          recalibrated.inc();
          metrics.thresholdRecalibrated();
          u.recalibration(
              new ModelUpdate.Recalibration(
                  champion.version(),
                  served,
                  nextCalibration.rows(),
                  nextCalibration.positives(),
                  nextCalibration.windows()));
          reason +=
              String.format(
                  Locale.ROOT,
                  "; threshold of v%d chosen again on %.0f rows it never trained on (its holdout"
                      + " and %d later window(s)), %.0f defects: %.4f -> %.4f, published as v%d",
                  champion.version(),
                  nextCalibration.rows(),
                  nextCalibration.windows(),
                  nextCalibration.positives(),
                  served,
                  t,
                  next.version());
        }
      }
    }
    u.reason(reason);
    if (next != null) {
      u.version(next.version())
          .model(next.model(), next.modelSha256(), next.windowStart(), next.windowEnd())
          .modelKind(next.kind())
          .modelThreshold(next.threshold())
          .modelMetrics(
              next.trainingMetrics().equals(ChampionSeed.NO_BASELINE)
                  ? null
                  : next.trainingMetrics());
    }
    ModelUpdate update = u.build();
    metrics.modelDecision(update.status());
    out.get(updatesTag).output(update);
    return new Decided(next, nextCalibration);
  }

  /**
   * The threshold the calibration's rows give under the configured objective and floor: no alerts
   * when no cut qualifies and training would leave such a model silent ({@link
   * TrainingParams#silentWithoutThreshold}); NaN (keep the current one) otherwise.
   */
  private double rechoose(ThresholdCalibration c) {
    double t =
        c.choose(
            params.thresholdObjective(),
            params.targetPrecision(),
            params.missedDefectCost(),
            params.minAlertPrecision());
    if (Double.isNaN(t) && params.silentWithoutThreshold()) {
      return AlertRule.NO_ALERTS;
    }
    return t;
  }

  /**
   * A new champion's calibration: its scores of its own holdout (never trained on, and not used to
   * choose its threshold), with its validation defects as the basis of its threshold.
   */
  private @Nullable ThresholdCalibration startCalibration(
      ChampionState next, WindowOutcome o, float[] scores) {
    if (!params.recalibrateThresholds()) {
      return null;
    }
    Holdout h = holdout(o, scores);
    return ThresholdCalibration.start(
            next.modelSha256(), o.result().selection().validationPositives())
        .addHoldout(h.scores(), h.labels(), h.labels().length);
  }

  /** The window's challenger as a champion of {@code version}, with its reference profile. */
  private static ChampionState trainedHere(
      long version, String sha256, WindowOutcome o, float[] scores) {
    TrainingResult r = o.result();
    return new ChampionState(
        version,
        r.model(),
        sha256,
        o.windowStart(),
        o.windowEnd(),
        r.metrics(),
        ReferenceProfile.of(o.sample(), scores, r.holdoutIndex()),
        r.selection().kind(),
        r.selection().threshold());
  }

  /** Scores and labels of the window's holdout rows. */
  private record Holdout(float[] scores, byte[] labels) {}

  private static Holdout holdout(WindowOutcome o, float[] scores) {
    int[] rows = o.result().holdoutIndex();
    float[] s = new float[rows.length];
    byte[] l = new byte[rows.length];
    byte[] labels = o.sample().labelArray();
    for (int i = 0; i < rows.length; i++) {
      s[i] = scores[rows[i]];
      l[i] = labels[rows[i]];
    }
    return new Holdout(s, l);
  }

  /**
   * Publishes again the decision {@code earlier} that the topic holds for this window pane, and
   * returns the champion after it: the state's if the record carries no newer one; the model the
   * replay has just trained again, with its reference profile, if the record promoted exactly that
   * model; else the record's champion without a reference profile, as a seed.
   */
  private Decided republish(
      WindowOutcome o,
      ModelUpdate earlier,
      SeedRecord record,
      @Nullable ChampionState champion,
      @Nullable ThresholdCalibration calibration,
      MultiOutputReceiver out)
      throws XGBoostError {
    decisionsRepublished.inc();
    LOG.info(
        "{}: window {} pane {} was decided before ({}): publishing that {} v{} again",
        o.machineId(),
        new Instant(o.windowStart()),
        o.paneIndex(),
        record.coordinates(),
        earlier.status(),
        earlier.version());
    metrics.modelDecision(earlier.status());
    out.get(updatesTag).output(earlier);
    if (earlier.model() == null
        || earlier.version() < 1
        || (champion != null && earlier.version() <= champion.version())) {
      return new Decided(champion, calibration);
    }
    if (earlier.recalibration() != null
        && champion != null
        && champion.modelSha256().equals(earlier.modelSha256())) {
      // The champion's threshold chosen again: the same model, as the first time.
      return new Decided(
          champion.withThreshold(earlier.version(), earlier.modelThreshold()),
          calibration == null ? null : calibration.rebased());
    }
    TrainingResult r = o.result();
    if (earlier.status() == ModelUpdate.Status.PROMOTED
        && earlier.modelWindowStart() == o.windowStart()
        && earlier.modelWindowEnd() == o.windowEnd()
        && r.isTrained()
        && ModelUpdate.sha256(r.model()).equals(earlier.modelSha256())) {
      float[] newScores = newModelScores(r, o.sample());
      ChampionState promotedAgain =
          trainedHere(earlier.version(), earlier.modelSha256(), o, newScores);
      return new Decided(promotedAgain, startCalibration(promotedAgain, o, newScores));
    }
    ChampionSeed.Result seed = ChampionSeed.from(o.machineId(), record, schema.names());
    if (seed.champion() != null && ChampionSeed.adopts(champion, seed.champion())) {
      return new Decided(
          seed.champion(),
          params.recalibrateThresholds()
              ? ThresholdCalibration.start(seed.champion().modelSha256(), seed.thresholdBasis())
              : null);
    }
    return new Decided(champion, calibration);
  }

  /** The topic's record of this window pane, if the lookup recognises one. */
  private @Nullable SeedRecord decided(WindowOutcome o) {
    try {
      return lookup.decided(o.machineId(), o.windowStart(), o.paneIndex());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the registry topic for " + o.machineId() + ": " + e.getMessage(), e);
    }
  }

  /** The record's decision if it is one of this machine's window pane; else null (logged). */
  private @Nullable ModelUpdate earlierDecision(WindowOutcome o, SeedRecord record) {
    try {
      ModelUpdate u = ModelUpdate.fromJson(record.value());
      if (u.machineId().equals(o.machineId())
          && u.windowStart() == o.windowStart()
          && u.windowEnd() == o.windowEnd()
          && u.paneIndex() == o.paneIndex()) {
        return u;
      }
      LOG.warn(
          "{}: the record at {} is not of window {} pane {}: deciding the window",
          o.machineId(),
          record.coordinates(),
          new Instant(o.windowStart()),
          o.paneIndex());
    } catch (IOException | RuntimeException e) {
      seedsIgnored.inc();
      LOG.warn(
          "{}: ignoring the record at {} of window {}: {}",
          o.machineId(),
          record.coordinates(),
          new Instant(o.windowStart()),
          e.getMessage());
    }
    return null;
  }

  @OnTimer("expiry")
  public void onExpiry(
      @StateId("champion") ValueState<ChampionState> championState,
      @StateId("versionFloor") ValueState<Long> versionFloor,
      @StateId("calibration") ValueState<ThresholdCalibration> calibrationState) {
    if (championState.read() != null) {
      expired.inc();
      metrics.registryEntryExpired();
    }
    championState.clear();
    versionFloor.clear();
    calibrationState.clear();
  }

  private long highestVersion(String machineId) {
    try {
      return lookup.highestVersion(machineId);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the registry topic for " + machineId + ": " + e.getMessage(), e);
    }
  }

  private @Nullable SeedRecord latest(String machineId) {
    try {
      return lookup.latest(machineId);
    } catch (IOException e) {
      // Deciding without the topic could reuse a version: fail, and let the runner retry.
      throw new UncheckedIOException(
          "cannot read the registry topic for " + machineId + ": " + e.getMessage(), e);
    }
  }

  /** The trainer's scores of the sample when it kept them, else the model loaded and run again. */
  private static float[] newModelScores(TrainingResult r, WindowSample s) throws XGBoostError {
    float[] kept = r.sampleScores();
    return kept != null && kept.length == s.size() ? kept : scoreSample(r.model(), s);
  }

  /**
   * The model's scores of every sample row: with the pure-Java evaluator for the tree ensembles the
   * trainer makes (read from the UBJ bytes, no xgboost4j load and its OpenMP threads per window),
   * with xgboost4j otherwise.
   */
  private static float[] scoreSample(byte[] model, WindowSample s) throws XGBoostError {
    try (ModelEvaluator e = ModelEvaluators.load(model)) {
      float[] out = new float[s.size()];
      if (s.size() > 0) {
        e.predict(s.featureArray(), s.size(), s.dim(), out);
      }
      return out;
    } catch (IllegalArgumentException e) {
      // A model of more features than the window has: a champion that cannot score.
      throw new XGBoostError(e.getMessage());
    }
  }

  /** The champion's own threshold, or the configured one for a champion without one. */
  private double thresholdOf(ChampionState champion) {
    return Double.isNaN(champion.threshold()) ? params.threshold() : champion.threshold();
  }

  private ClassificationMetrics holdoutMetrics(WindowOutcome o, float[] scores, double threshold) {
    Holdout h = holdout(o, scores);
    return BinaryMetrics.compute(h.scores(), h.labels(), h.labels().length, threshold);
  }

  /** The champion on all labelled rows of the window; null unless both classes occur. */
  private static @Nullable ClassificationMetrics labelledMetrics(
      WindowSample sample, float[] scores, double threshold) {
    int n = sample.size();
    byte[] labels = sample.labelArray();
    float[] s = new float[n];
    byte[] l = new byte[n];
    int m = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] >= 0) {
        s[m] = scores[i];
        l[m++] = labels[i];
        positives += labels[i];
      }
    }
    if (positives == 0 || positives == m) {
      return null;
    }
    return BinaryMetrics.compute(s, l, m, threshold);
  }

  private ModelUpdate.Builder base(WindowOutcome o) {
    TrainingResult r = o.result();
    return ModelUpdate.builder()
        .machineId(o.machineId())
        .window(o.windowStart(), o.windowEnd())
        .pane(o.paneIndex(), o.isLate())
        .samples(
            o.sample().seen(),
            o.sample().labelled(),
            o.sample().positives(),
            r.trainRows(),
            r.holdoutRows())
        .features(schema.names())
        .params(params.describe())
        .trainingMillis(r.trainingMillis());
  }
}
