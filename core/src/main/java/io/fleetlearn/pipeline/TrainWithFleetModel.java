package io.fleetlearn.pipeline;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Windowed, keyed events ({@link #EVENTS}) and the fleet model's updates ({@link
 * #FLEET_MODEL_UPDATES}) → one {@link WindowOutcome} per machine and window pane, each challenger
 * chosen among the machine's own model, the fleet model continued on its rows and the fleet model
 * as it is. The fleet-aware counterpart of {@link TrainPerMachine}:
 *
 * <pre>
 * events ─ CollectTrainingSet (stateful, per machine and window) ─ ShardClosedWindows ─ IntoGlobalWindow ─┐
 * fleet updates ─ FleetUpdatesIntoGlobalWindow ─ BroadcastFleetModelToTrainers ──────────────┴─ TrainOnWindowClose
 * </pre>
 *
 * The trainer is keyed by shard ({@link TrainWithFleetModelFn}); the outcomes are in the global
 * window, which is where the registry takes them.
 */
public final class TrainWithFleetModel
    extends PTransform<PCollectionTuple, PCollection<KV<String, WindowOutcome>>> {
  public static final TupleTag<KV<String, SensorEvent>> EVENTS =
      new TupleTag<KV<String, SensorEvent>>("windowedEvents") {};
  public static final TupleTag<ModelUpdate> FLEET_MODEL_UPDATES =
      new TupleTag<ModelUpdate>("fleetModelUpdates") {};

  private final RetrainingConfig config;

  public TrainWithFleetModel(RetrainingConfig config) {
    this.config = config;
  }

  /** Whether the candidates include one built from the fleet model. */
  public static boolean usesFleet(TrainingParams training) {
    return training.allows(ModelKind.FLEET) || training.allows(ModelKind.FLEET_TUNED);
  }

  private static <T> Window<T> global() {
    return Window.<T>into(new GlobalWindows())
        .triggering(DefaultTrigger.of())
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }

  @Override
  public PCollection<KV<String, WindowOutcome>> expand(PCollectionTuple in) {
    ScoringConfig scoring = config.scoring();
    KvCoder<Integer, TrainingInput> byShard =
        KvCoder.of(VarIntCoder.of(), TrainingInput.Coder.of());
    PCollection<KV<Integer, TrainingInput>> windows =
        in.get(EVENTS)
            .apply(
                "CollectTrainingSet",
                ParDo.of(
                    new CollectWindowSampleFn(
                        config.schema().size(),
                        config.reservoirCapacity(),
                        config.allowedLateness(),
                        config.lateFiringDelay(),
                        config.metrics())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), TrainingInput.Coder.of()))
            .apply(
                "ShardClosedWindows",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(), TypeDescriptor.of(TrainingInput.class)))
                    .via(
                        (KV<String, TrainingInput> w) ->
                            KV.of(scoring.shardKey(w.getKey()), w.getValue())))
            .setCoder(byShard)
            .apply("ClosedWindowsIntoGlobalWindow", global());
    PCollection<KV<Integer, TrainingInput>> fleet =
        in.get(FLEET_MODEL_UPDATES)
            .apply("FleetUpdatesIntoGlobalWindow", global())
            .apply(
                "BroadcastFleetModelToTrainers",
                ParDo.of(new BroadcastFleetModelToTrainersFn(scoring.shardKeys())))
            .setCoder(byShard);
    return PCollectionList.of(windows)
        .and(fleet)
        .apply("WindowsAndFleetModels", Flatten.pCollections())
        .apply(
            "TrainOnWindowClose",
            ParDo.of(
                new TrainWithFleetModelFn(new XgbTrainer(config.training()), config.metrics())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
  }
}
