package io.fleetlearn.scoring;

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
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Scores events of machines without a champion with the fleet model. A stateful DoFn in the global
 * window keyed by shard (a small fixed number of keys): every promoted fleet model is sent to every
 * shard, each shard keeps it in state (version, sha256, UBJ bytes, alert threshold), and the events
 * of a machine always arrive on the machine's shard. That is a broadcast built from keyed state,
 * which behaves the same on every runner (see docs/scoring.md for why not a side input). The parsed
 * model is cached per instance by sha256, so the shards an instance serves share one copy.
 *
 * <p>Events that arrive before the first fleet model are counted as unscored and dropped: there is
 * no model to score them with, and holding them back would hold back unbounded state.
 */
public final class ScoreWithFleetModelFn extends DoFn<KV<Integer, ScoringInput>, DefectPrediction> {
  private final ScoringConfig config;
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;
  private transient EvaluatorCache cache;

  private final Counter unscored = Metrics.counter("fleetlearn", "events_unscored");
  private final Counter loadFailures = Metrics.counter("fleetlearn", "scoring_model_load_failures");

  @StateId("version")
  private final StateSpec<ValueState<Long>> versionSpec = StateSpecs.value(VarLongCoder.of());

  @StateId("sha256")
  private final StateSpec<ValueState<String>> shaSpec = StateSpecs.value(StringUtf8Coder.of());

  @StateId("model")
  private final StateSpec<ValueState<byte[]>> modelSpec = StateSpecs.value(ByteArrayCoder.of());

  @StateId("threshold")
  private final StateSpec<ValueState<Double>> thresholdSpec = StateSpecs.value(DoubleCoder.of());

  public ScoreWithFleetModelFn(ScoringConfig config, MetricsConfig metricsConfig) {
    this.config = config;
    this.metricsConfig = metricsConfig;
  }

  @Setup
  public void setup() {
    metrics = PipelineMetrics.acquire(metricsConfig);
    cache = new EvaluatorCache(4);
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
      @Element KV<Integer, ScoringInput> element,
      @StateId("version") ValueState<Long> versionState,
      @StateId("sha256") ValueState<String> shaState,
      @StateId("model") ValueState<byte[]> modelState,
      @StateId("threshold") ValueState<Double> thresholdState,
      OutputReceiver<DefectPrediction> out) {
    ScoringInput in = element.getValue();
    Long version = versionState.read();
    if (!in.isEvent()) {
      if (version == null || in.version() > version) {
        versionState.write(in.version());
        shaState.write(in.sha256());
        modelState.write(in.model());
        if (Double.isNaN(in.threshold())) {
          thresholdState.clear();
        } else {
          thresholdState.write(in.threshold());
        }
      }
      return;
    }
    EvaluatorCache.Entry model =
        version == null
            ? null
            : cache.entry(
                shaState.read(),
                version,
                modelState::read,
                this::load,
                () -> {
                  Double t = thresholdState.read();
                  return t == null ? Double.NaN : t;
                });
    ModelEvaluator evaluator = model == null ? null : model.evaluator;
    if (evaluator == null) {
      unscored.inc();
      metrics.eventUnscored();
      return;
    }
    out.output(
        EventScorer.score(
            evaluator,
            in.event(),
            model.thresholdOr(config.alertThreshold()),
            ModelSource.FLEET,
            version,
            metrics));
  }

  private ModelEvaluator load(byte[] model) {
    try {
      ModelEvaluator ev = ModelEvaluators.load(model);
      metrics.scoringModelLoaded(ModelSource.FLEET);
      return ev;
    } catch (Exception e) {
      loadFailures.inc();
      return null;
    }
  }
}
