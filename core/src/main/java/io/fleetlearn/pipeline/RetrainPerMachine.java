package io.fleetlearn.pipeline;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.RawRecord;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.registry.ModelUpdateCoder;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.training.WindowOutcome;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The whole per-machine retraining flow, source- and sink-agnostic: raw records in; model updates
 * ({@link #MODEL_UPDATES}), drift reports ({@link #DRIFT_REPORTS}), dead letters ({@link
 * ParseAndValidate#DEAD_LETTERS}) and accepted events ({@link ParseAndValidate#ACCEPTED}) out. The
 * app wires Kafka around it; tests feed it a {@code TestStream}.
 *
 * <pre>
 * ParseAndValidate → WindowPerMachine → TrainPerMachine → ModelRegistry
 *                                     └─ TrainFleetModel (optional) ─┘  └─ ScoreEvents (optional)
 * </pre>
 *
 * <p>Each machine's events are collected per window by one keyed stateful step, and its challenger
 * trained when the window closes ({@link TrainWithFleetModel}); with the fleet model on, it is
 * chosen among its own model, the fleet model continued on its rows and the fleet model as it is;
 * without it, each machine trains its own.
 *
 * <p>With scoring on ({@link RetrainingConfig#scoring()}), accepted events are also scored by their
 * machine's champion or the fleet model ({@link #PREDICTIONS}), and the fleet model's updates come
 * out on {@link #FLEET_MODEL_UPDATES}.
 */
public final class RetrainPerMachine extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<ModelUpdate> MODEL_UPDATES = ModelRegistry.MODEL_UPDATES;
  public static final TupleTag<DriftReport> DRIFT_REPORTS = ModelRegistry.DRIFT_REPORTS;

  /** The fleet model's updates (key {@code @fleet}); present when the fleet model is on. */
  public static final TupleTag<ModelUpdate> FLEET_MODEL_UPDATES =
      new TupleTag<ModelUpdate>("fleetModelUpdates") {};

  /** One prediction per scored event; present when scoring is on. */
  public static final TupleTag<DefectPrediction> PREDICTIONS =
      new TupleTag<DefectPrediction>("predictions") {};

  private final RetrainingConfig config;

  public RetrainPerMachine(RetrainingConfig config) {
    this.config = config;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> records) {
    PCollectionTuple parsed =
        records.apply(
            "ParseAndValidate",
            new ParseAndValidate(
                new SensorEventParser(config.schema(), config.limits()), config.metrics()));
    PCollection<KV<String, SensorEvent>> windowed =
        parsed
            .get(ParseAndValidate.ACCEPTED)
            .apply(
                "WindowPerMachine",
                new WindowPerMachine(
                    config.windowSize(), config.allowedLateness(), config.lateFiringDelay()));
    ScoringConfig scoring = config.scoring();
    boolean fleetOn = scoring.enabled() && scoring.fleetModel();
    PCollection<ModelUpdate> fleet =
        fleetOn ? windowed.apply("TrainFleetModel", new TrainFleetModel(config)) : null;
    // Without fleet candidates the trainers get no fleet model and train each machine's own.
    PCollection<ModelUpdate> fleetForTrainers =
        fleetOn && TrainWithFleetModel.usesFleet(config.training())
            ? fleet
            : windowed
                .getPipeline()
                .apply("NoFleetModel", Create.empty(ModelUpdateCoder.of()))
                .setCoder(ModelUpdateCoder.of());
    PCollection<KV<String, WindowOutcome>> outcomes =
        PCollectionTuple.of(TrainWithFleetModel.EVENTS, windowed)
            .and(TrainWithFleetModel.FLEET_MODEL_UPDATES, fleetForTrainers)
            .apply("TrainPerMachine", new TrainWithFleetModel(config));
    PCollectionTuple registry = outcomes.apply("ModelRegistry", new ModelRegistry(config));
    PCollectionTuple out =
        PCollectionTuple.of(MODEL_UPDATES, registry.get(MODEL_UPDATES))
            .and(DRIFT_REPORTS, registry.get(DRIFT_REPORTS))
            .and(ParseAndValidate.DEAD_LETTERS, parsed.get(ParseAndValidate.DEAD_LETTERS))
            .and(ParseAndValidate.ACCEPTED, parsed.get(ParseAndValidate.ACCEPTED));
    if (!scoring.enabled()) {
      return out;
    }
    PCollectionTuple scoringInput =
        PCollectionTuple.of(ScoreEvents.EVENTS, parsed.get(ParseAndValidate.ACCEPTED))
            .and(ScoreEvents.MODEL_UPDATES, registry.get(MODEL_UPDATES));
    if (fleet != null) {
      out = out.and(FLEET_MODEL_UPDATES, fleet);
      scoringInput = scoringInput.and(ScoreEvents.FLEET_MODEL_UPDATES, fleet);
    }
    return out.and(PREDICTIONS, scoringInput.apply("ScoreEvents", new ScoreEvents(config)));
  }
}
