package io.fleetlearn.pipeline;

import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.scoring.TreeEnsemble;
import io.fleetlearn.scoring.UnsupportedModelException;
import io.fleetlearn.training.FleetBaseline;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains each machine's challenger with the fleet model at hand: a stateful DoFn in the global
 * window keyed by trainer shard (a small fixed number of keys). Every promoted fleet model is sent
 * to every shard ({@link BroadcastFleetModelToTrainersFn}) and kept in the shard's state, the last
 * {@link #KEPT} of them; a machine's closed window always arrives on the machine's shard and is
 * trained by {@link XgbTrainer#train(io.fleetlearn.dataset.WindowSample, FleetBaseline)} with the
 * newest fleet model that was trained on a window ending no later than this window starts. A fleet
 * model trained on the same window would have seen the machine's holdout rows, so its scores there
 * would flatter it; before the first such fleet model a machine gets its own model only. That is a
 * broadcast built from keyed state, as the fleet scorer's, not a side input: a side input that is
 * not ready yet would hold back every machine's window.
 */
final class TrainWithFleetModelFn
    extends DoFn<KV<Integer, TrainingInput>, KV<String, WindowOutcome>> {
  /** Fleet models kept per shard: the newest, and older ones for windows that close late. */
  static final int KEPT = 3;

  private final XgbTrainer trainer;
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;
  // The last fleet model read into trees, and its scorer (null if it could not be read).
  private transient long scorerVersion;
  private transient byte @Nullable [] scorerModel;
  private transient FleetBaseline.@Nullable Scorer scorer;
  private final Counter trained = Metrics.counter("fleetlearn", "models_trained");
  private final Counter skipped = Metrics.counter("fleetlearn", "models_skipped");
  private final Counter withFleet =
      Metrics.counter("fleetlearn", "windows_trained_with_fleet_model");
  private final Distribution trainingMillis = Metrics.distribution("fleetlearn", "training_millis");

  @StateId("fleetModels")
  private final StateSpec<ValueState<List<TrainingInput>>> fleetSpec =
      StateSpecs.value(ListCoder.of(TrainingInput.Coder.of()));

  TrainWithFleetModelFn(XgbTrainer trainer, MetricsConfig metricsConfig) {
    this.trainer = trainer;
    this.metricsConfig = metricsConfig;
  }

  @Setup
  public void setup() {
    metrics = PipelineMetrics.acquire(metricsConfig);
  }

  @Teardown
  public void teardown() {
    if (metrics != null) {
      metrics.release();
      metrics = null;
    }
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, TrainingInput> element,
      @StateId("fleetModels") ValueState<List<TrainingInput>> fleetState,
      OutputReceiver<KV<String, WindowOutcome>> out) {
    TrainingInput in = element.getValue();
    List<TrainingInput> stored = fleetState.read();
    if (!in.isWindow()) {
      List<TrainingInput> next = new ArrayList<>(stored == null ? List.of() : stored);
      if (next.stream().anyMatch(f -> f.fleetVersion() >= in.fleetVersion())) {
        return; // a replay or duplicate
      }
      next.add(in);
      next.sort(Comparator.comparingLong(TrainingInput::fleetVersion));
      while (next.size() > KEPT) {
        next.remove(0);
      }
      fleetState.write(next);
      return;
    }
    FleetBaseline fleet = withScorer(usable(stored, in.windowStart()));
    TrainingResult r = trainer.train(in.sample(), fleet);
    if (r.isTrained()) {
      trained.inc();
      trainingMillis.update(r.trainingMillis());
      metrics.modelTrained(r.trainingMillis(), r.model().length);
      if (r.selection().fleetVersion() > 0) {
        withFleet.inc();
      }
    } else {
      skipped.inc();
    }
    out.output(
        KV.of(
            in.machineId(),
            new WindowOutcome(
                in.machineId(),
                in.windowStart(),
                in.windowEnd(),
                in.paneIndex(),
                in.isLate(),
                in.sample(),
                r)));
  }

  /**
   * The baseline with the fleet model read into pure-Java trees, once per fleet model for all the
   * machines it is offered to (xgboost4j would load it again for each); as it is if the trees
   * cannot be read.
   */
  private @Nullable FleetBaseline withScorer(@Nullable FleetBaseline fleet) {
    if (fleet == null) {
      return null;
    }
    if (scorerModel == null
        || scorerVersion != fleet.version()
        || !Arrays.equals(scorerModel, fleet.model())) {
      scorerVersion = fleet.version();
      scorerModel = fleet.model();
      try {
        scorer = TreeEnsemble.fromUbj(fleet.model());
      } catch (UnsupportedModelException e) {
        scorer = null; // the trainer loads it into xgboost4j
      }
    }
    return scorer == null
        ? fleet
        : new FleetBaseline(fleet.version(), fleet.model(), fleet.threshold(), scorer);
  }

  /** The newest stored fleet model trained on a window that ended by {@code windowStart}. */
  static @Nullable FleetBaseline usable(@Nullable List<TrainingInput> stored, long windowStart) {
    if (stored == null) {
      return null;
    }
    for (int i = stored.size() - 1; i >= 0; i--) {
      TrainingInput f = stored.get(i);
      if (f.windowEnd() <= windowStart) {
        return new FleetBaseline(f.fleetVersion(), f.fleetModel(), f.fleetThreshold());
      }
    }
    return null;
  }
}
