package io.fleetlearn.pipeline;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.RawRecord;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.registry.ModelUpdate;
import org.apache.beam.sdk.transforms.PTransform;
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
 * </pre>
 */
public final class RetrainPerMachine extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<ModelUpdate> MODEL_UPDATES = ModelRegistry.MODEL_UPDATES;
  public static final TupleTag<DriftReport> DRIFT_REPORTS = ModelRegistry.DRIFT_REPORTS;

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
    PCollectionTuple registry =
        parsed
            .get(ParseAndValidate.ACCEPTED)
            .apply(
                "WindowPerMachine",
                new WindowPerMachine(
                    config.windowSize(), config.allowedLateness(), config.lateFiringDelay()))
            .apply("TrainPerMachine", new TrainPerMachine(config))
            .apply("ModelRegistry", new ModelRegistry(config));
    return PCollectionTuple.of(MODEL_UPDATES, registry.get(MODEL_UPDATES))
        .and(DRIFT_REPORTS, registry.get(DRIFT_REPORTS))
        .and(ParseAndValidate.DEAD_LETTERS, parsed.get(ParseAndValidate.DEAD_LETTERS))
        .and(ParseAndValidate.ACCEPTED, parsed.get(ParseAndValidate.ACCEPTED));
  }
}
