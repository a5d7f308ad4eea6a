package io.fleetlearn.registry;

import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.util.Map;
import ml.dmlc.xgboost4j.java.XGBoostError;
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
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The per-machine model registry: a stateful DoFn in the global window, keyed by machine id, that
 * holds each machine's champion ({@link ChampionState}) across windows, decides each window's
 * challenger with the {@link PromotionPolicy}, assigns versions (+1 per promotion, never reused, no
 * gaps) and emits one {@link ModelUpdate} per window pane.
 *
 * <p>A machine that sends nothing for {@code retention} of event time has its entry cleared by an
 * event-time timer, because state in the global window is never garbage-collected otherwise.
 */
public final class ModelRegistryFn extends DoFn<KV<String, WindowOutcome>, ModelUpdate> {
  private final FeatureSchema schema;
  private final TrainingParams params;
  private final PromotionPolicy policy;
  private final Duration retention;

  private final Counter promoted = Metrics.counter("fleetlearn", "models_promoted");
  private final Counter rejected = Metrics.counter("fleetlearn", "models_rejected");
  private final Counter skipped = Metrics.counter("fleetlearn", "windows_skipped");
  private final Counter expired = Metrics.counter("fleetlearn", "registry_entries_expired");

  @StateId("champion")
  private final StateSpec<ValueState<ChampionState>> championSpec =
      StateSpecs.value(ChampionStateCoder.of());

  @TimerId("expiry")
  private final TimerSpec expirySpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  public ModelRegistryFn(
      FeatureSchema schema, TrainingParams params, PromotionPolicy policy, Duration retention) {
    this.schema = schema;
    this.params = params;
    this.policy = policy;
    this.retention = retention;
  }

  @ProcessElement
  public void process(
      @Element KV<String, WindowOutcome> element,
      @StateId("champion") ValueState<ChampionState> championState,
      @TimerId("expiry") Timer expiry,
      OutputReceiver<ModelUpdate> out) {
    WindowOutcome o = element.getValue();
    TrainingResult r = o.result();
    ChampionState champion = championState.read();
    ModelUpdate.Builder u = base(o);
    if (!r.isTrained()) {
      skipped.inc();
      u.status(ModelUpdate.Status.SKIPPED).reason(r.reason());
    } else if (champion != null && o.windowEnd() < champion.windowEnd()) {
      rejected.inc();
      u.status(ModelUpdate.Status.REJECTED)
          .reason(
              "stale window: challenger trained on a window ending "
                  + new Instant(o.windowEnd())
                  + ", champion v"
                  + champion.version()
                  + " on one ending "
                  + new Instant(champion.windowEnd()))
          .metrics(r.metrics());
    } else {
      ClassificationMetrics onHoldout = null;
      String evaluationProblem = null;
      if (champion != null) {
        try {
          onHoldout = XgbTrainer.evaluate(champion.model(), o.holdout(), params.threshold());
        } catch (XGBoostError e) {
          evaluationProblem = e.getMessage();
        }
      }
      PromotionPolicy.Decision d =
          evaluationProblem != null
              ? null
              : policy.decide(
                  r.metrics(), onHoldout, champion == null ? null : champion.trainingMetrics());
      u.metrics(r.metrics()).championMetrics(onHoldout);
      if (d == null || d.promoted()) {
        long version = champion == null ? 1 : champion.version() + 1;
        champion =
            new ChampionState(
                version,
                r.model(),
                ModelUpdate.sha256(r.model()),
                o.windowStart(),
                o.windowEnd(),
                r.metrics());
        championState.write(champion);
        promoted.inc();
        u.status(ModelUpdate.Status.PROMOTED)
            .reason(
                d == null ? "champion could not be evaluated: " + evaluationProblem : d.reason());
      } else {
        rejected.inc();
        u.status(ModelUpdate.Status.REJECTED).reason(d.reason());
      }
    }
    if (champion != null) {
      u.version(champion.version())
          .model(champion.model(), champion.windowStart(), champion.windowEnd());
    }
    expiry.set(new Instant(o.windowEnd()).plus(retention));
    out.output(u.build());
  }

  @OnTimer("expiry")
  public void onExpiry(@StateId("champion") ValueState<ChampionState> championState) {
    if (championState.read() != null) {
      expired.inc();
    }
    championState.clear();
  }

  private ModelUpdate.Builder base(WindowOutcome o) {
    TrainingResult r = o.result();
    Map<String, Object> described = params.describe();
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
        .params(described)
        .trainingMillis(r.trainingMillis());
  }
}
