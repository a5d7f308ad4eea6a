package io.fleetlearn.scoring;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Scores each machine's events with the machine's current champion. A stateful DoFn in the global
 * window keyed by machine id; its input is the flatten of the machine's accepted events and its
 * promoted models ({@link ScoringInput}).
 *
 * <ul>
 *   <li>A model with a higher version than the stored one replaces it (state: version, sha256, UBJ
 *       bytes, threshold); a lower or equal version (a replay, a duplicate) is ignored. Only
 *       PROMOTED updates and recalibrated thresholds (a new version of the same model) reach this
 *       DoFn, so a rejected challenger is never used.
 *   <li>An event is scored by the stored champion, at the champion's own alert threshold (the
 *       configured one for a model that carries none). The parsed model lives in a per-instance
 *       cache keyed by machine and version, so it is parsed once per version, not per event, and
 *       per event only the small version state is read; the model bytes are read only on a cache
 *       miss.
 *   <li>An event of a machine without a champion goes to {@code toFleet}, keyed by one of {@code
 *       fleetShards} shards, for the fleet model; without a fleet model it is counted as unscored.
 * </ul>
 *
 * <p>A model applies to events that reach this DoFn after it (processing order), not retroactively
 * by event time: see docs/scoring.md. State of a machine silent for {@code retention} of event time
 * is cleared by an event-time timer, as in the registry.
 */
public final class ScoreWithChampionFn extends DoFn<KV<String, ScoringInput>, DefectPrediction> {
  private final ScoringConfig config;
  private final Duration retention;
  private final TupleTag<DefectPrediction> predictionsTag;
  private final TupleTag<KV<Integer, ScoringInput>> toFleetTag;
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;
  private transient EvaluatorCache cache;

  private final Counter swapped = Metrics.counter("fleetlearn", "scoring_champions_swapped");
  private final Counter staleModels = Metrics.counter("fleetlearn", "scoring_stale_models_ignored");
  private final Counter loadFailures = Metrics.counter("fleetlearn", "scoring_model_load_failures");
  private final Counter unscored = Metrics.counter("fleetlearn", "events_unscored");

  @StateId("version")
  private final StateSpec<ValueState<Long>> versionSpec = StateSpecs.value(VarLongCoder.of());

  @StateId("sha256")
  private final StateSpec<ValueState<String>> shaSpec = StateSpecs.value(StringUtf8Coder.of());

  @StateId("model")
  private final StateSpec<ValueState<byte[]>> modelSpec = StateSpecs.value(ByteArrayCoder.of());

  /** The champion's alert threshold; absent for models without one (and in older state). */
  @StateId("threshold")
  private final StateSpec<ValueState<Double>> thresholdSpec = StateSpecs.value(DoubleCoder.of());

  @StateId("lastSeen")
  private final StateSpec<ValueState<Long>> lastSeenSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("expiry")
  private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  public ScoreWithChampionFn(
      ScoringConfig config,
      Duration retention,
      TupleTag<DefectPrediction> predictionsTag,
      TupleTag<KV<Integer, ScoringInput>> toFleetTag,
      MetricsConfig metricsConfig) {
    this.config = config;
    this.retention = retention;
    this.predictionsTag = predictionsTag;
    this.toFleetTag = toFleetTag;
    this.metricsConfig = metricsConfig;
  }

  @Setup
  public void setup() {
    metrics = PipelineMetrics.acquire(metricsConfig);
    cache = new EvaluatorCache(config.cacheSize());
  }

  @Teardown
  public void teardown() {
    if (cache != null) {
      cache.clear();
      cache = null;
    }
    if (metrics != null) {
      metrics.release();
      metrics = null;
    }
  }

  @ProcessElement
  public void process(
      @Element KV<String, ScoringInput> element,
      @Timestamp Instant timestamp,
      @StateId("version") ValueState<Long> versionState,
      @StateId("sha256") ValueState<String> shaState,
      @StateId("model") ValueState<byte[]> modelState,
      @StateId("threshold") ValueState<Double> thresholdState,
      @StateId("lastSeen") ValueState<Long> lastSeenState,
      @TimerId("expiry") Timer expiry,
      MultiOutputReceiver out) {
    String machine = element.getKey();
    ScoringInput in = element.getValue();
    Long version = versionState.read();
    if (!in.isEvent()) {
      if (version != null && in.version() <= version) {
        staleModels.inc();
        return;
      }
      versionState.write(in.version());
      shaState.write(in.sha256());
      modelState.write(in.model());
      if (Double.isNaN(in.threshold())) {
        thresholdState.clear();
      } else {
        thresholdState.write(in.threshold());
      }
      swapped.inc();
      Long seen = lastSeenState.read();
      long last = Math.max(seen == null ? Long.MIN_VALUE : seen, timestamp.getMillis());
      lastSeenState.write(last);
      expiry.set(new Instant(last).plus(retention));
      return;
    }
    SensorEvent e = in.event();
    EvaluatorCache.Entry model =
        version == null
            ? null
            : cache.entry(
                machine, version, modelState::read, this::load, () -> read(thresholdState));
    ModelEvaluator evaluator = model == null ? null : model.evaluator;
    if (evaluator == null) {
      if (config.fleetModel()) {
        out.get(toFleetTag).output(KV.of(config.shardKey(machine), in));
      } else {
        unscored.inc();
        metrics.eventUnscored();
      }
      return;
    }
    DefectPrediction prediction =
        EventScorer.score(
            evaluator,
            e,
            model.thresholdOr(config.alertThreshold()),
            ModelSource.MACHINE,
            version,
            metrics);
    out.get(predictionsTag).output(prediction);
    // Keep the machine's state alive while it reports; written only when it moved noticeably, so
    // most events cost one state read (the version) and no write.
    Long seen = lastSeenState.read();
    long ts = e.timestampMillis();
    if (seen == null || ts > seen + retention.getMillis() / 16) {
      lastSeenState.write(ts);
    }
  }

  private static double read(ValueState<Double> threshold) {
    Double t = threshold.read();
    return t == null ? Double.NaN : t;
  }

  private ModelEvaluator load(byte[] model) {
    try {
      ModelEvaluator ev = ModelEvaluators.load(model);
      metrics.scoringModelLoaded(ModelSource.MACHINE);
      return ev;
    } catch (Exception e) {
      // The registry verified and loaded this model before promoting it; if it still cannot load
      // here, the fleet model scores the machine rather than the job failing on every event.
      loadFailures.inc();
      return null;
    }
  }

  @OnTimer("expiry")
  public void onExpiry(
      OnTimerContext c,
      @StateId("version") ValueState<Long> versionState,
      @StateId("sha256") ValueState<String> shaState,
      @StateId("model") ValueState<byte[]> modelState,
      @StateId("threshold") ValueState<Double> thresholdState,
      @StateId("lastSeen") ValueState<Long> lastSeenState,
      @TimerId("expiry") Timer expiry) {
    Long seen = lastSeenState.read();
    if (seen != null && new Instant(seen).plus(retention).isAfter(c.timestamp())) {
      expiry.set(new Instant(seen).plus(retention));
      return;
    }
    versionState.clear();
    shaState.clear();
    modelState.clear();
    thresholdState.clear();
    lastSeenState.clear();
  }
}
