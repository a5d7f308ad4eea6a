package io.fleetlearn.pipeline;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.BroadcastFleetModelFn;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.DefectPredictionCoder;
import io.fleetlearn.scoring.PromotedModelsFn;
import io.fleetlearn.scoring.ScoreWithChampionFn;
import io.fleetlearn.scoring.ScoreWithFleetModelFn;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.scoring.ScoringInput;
import io.fleetlearn.scoring.ScoringInputCoder;
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
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Accepted events ({@link #EVENTS}) and the registry's model updates ({@link #MODEL_UPDATES}, plus
 * the fleet model's in {@link #FLEET_MODEL_UPDATES} when the fleet model is on) → one {@link
 * DefectPrediction} per scored event.
 *
 * <pre>
 * events ──────────────── KeyEventsByMachine ─┐
 * model updates ─ KeepPromotedModels ─────────┴─ ScoreWithChampion ─┬─ predictions
 *                                                                   └─ no champion ─┐
 * fleet updates ─ BroadcastFleetModel ──────────────────────────────────────────────┴─ ScoreWithFleetModel ─ predictions
 * </pre>
 *
 * Both scorers are stateful DoFns in the global window; everything is re-windowed into the global
 * window with the default trigger first, so the inputs of each flatten agree.
 */
public final class ScoreEvents extends PTransform<PCollectionTuple, PCollection<DefectPrediction>> {
  public static final TupleTag<SensorEvent> EVENTS = new TupleTag<SensorEvent>("events") {};
  public static final TupleTag<ModelUpdate> MODEL_UPDATES =
      new TupleTag<ModelUpdate>("modelUpdates") {};
  public static final TupleTag<ModelUpdate> FLEET_MODEL_UPDATES =
      new TupleTag<ModelUpdate>("fleetModelUpdates") {};

  private static final TupleTag<DefectPrediction> SCORED =
      new TupleTag<DefectPrediction>("scoredByChampion") {};
  private static final TupleTag<KV<Integer, ScoringInput>> TO_FLEET =
      new TupleTag<KV<Integer, ScoringInput>>("noChampion") {};

  private final ScoringConfig scoring;
  private final RetrainingConfig config;

  public ScoreEvents(RetrainingConfig config) {
    this.config = config;
    this.scoring = config.scoring();
  }

  private static <T> Window<T> global() {
    return Window.<T>into(new GlobalWindows())
        .triggering(DefaultTrigger.of())
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }

  @Override
  public PCollection<DefectPrediction> expand(PCollectionTuple in) {
    KvCoder<String, ScoringInput> byMachine =
        KvCoder.of(StringUtf8Coder.of(), ScoringInputCoder.of());
    PCollection<KV<String, ScoringInput>> events =
        in.get(EVENTS)
            .apply("EventsIntoGlobalWindow", global())
            .apply(
                "KeyEventsByMachine",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(ScoringInput.class)))
                    .via((SensorEvent e) -> KV.of(e.machineId(), ScoringInput.event(e))))
            .setCoder(byMachine);
    PCollection<KV<String, ScoringInput>> promotions =
        in.get(MODEL_UPDATES)
            .apply("UpdatesIntoGlobalWindow", global())
            .apply("KeepPromotedModels", ParDo.of(new PromotedModelsFn()))
            .setCoder(byMachine);
    PCollectionTuple scored =
        PCollectionList.of(events)
            .and(promotions)
            .apply("EventsAndPromotions", Flatten.pCollections())
            .apply(
                "ScoreWithChampion",
                ParDo.of(
                        new ScoreWithChampionFn(
                            scoring, config.stateRetention(), SCORED, TO_FLEET, config.metrics()))
                    .withOutputTags(SCORED, TupleTagList.of(TO_FLEET)));
    PCollection<DefectPrediction> byChampion =
        scored.get(SCORED).setCoder(DefectPredictionCoder.of());
    KvCoder<Integer, ScoringInput> byShard = KvCoder.of(VarIntCoder.of(), ScoringInputCoder.of());
    PCollection<KV<Integer, ScoringInput>> toFleet = scored.get(TO_FLEET).setCoder(byShard);
    if (!scoring.fleetModel() || !in.has(FLEET_MODEL_UPDATES)) {
      return byChampion;
    }
    PCollection<KV<Integer, ScoringInput>> fleetModels =
        in.get(FLEET_MODEL_UPDATES)
            .apply("FleetUpdatesIntoGlobalWindow", global())
            .apply("BroadcastFleetModel", ParDo.of(new BroadcastFleetModelFn(scoring.shardKeys())))
            .setCoder(byShard);
    PCollection<DefectPrediction> byFleet =
        PCollectionList.of(toFleet)
            .and(fleetModels)
            .apply("EventsAndFleetModels", Flatten.pCollections())
            .apply(
                "ScoreWithFleetModel",
                ParDo.of(new ScoreWithFleetModelFn(scoring, config.metrics())))
            .setCoder(DefectPredictionCoder.of());
    return PCollectionList.of(byChampion)
        .and(byFleet)
        .apply("AllPredictions", Flatten.pCollections())
        .setCoder(DefectPredictionCoder.of());
  }
}
