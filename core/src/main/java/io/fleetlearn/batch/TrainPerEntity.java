package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Rows → one trained model per entity ({@link #OUTCOMES}, a {@link WindowOutcome} per entity) plus
 * the rows that could not be encoded ({@link #REJECTED}). Rows become keyed {@link SensorEvent}s
 * ({@code EncodeRows}), are sampled per entity by the streaming pipeline's reservoir ({@code
 * CollectTrainingSet}, at most {@code maxRowsPerEntity} rows) and trained on with the streaming
 * {@link XgbTrainer} ({@code TrainOnEntityHistory}), so batch and streaming train identically.
 * Bounded input in the global window: one outcome per entity.
 *
 * <p>When the fleet candidates are allowed (or the comparison asks for it), every entity's sample
 * first meets on one worker ({@code GatherAllSamples}) to train the {@link GlobalModel} ({@code
 * TrainGlobalModel}, also output as {@link #GLOBAL_MODEL}); each entity's training then reads it as
 * a side input and chooses among its own model, the global model continued on its rows, and the
 * global model as it is.
 */
public final class TrainPerEntity extends PTransform<PCollection<TabularRecord>, PCollectionTuple> {
  public static final TupleTag<KV<String, WindowOutcome>> OUTCOMES =
      new TupleTag<KV<String, WindowOutcome>>("outcomes") {};
  public static final TupleTag<RejectedRow> REJECTED =
      new TupleTag<RejectedRow>("rejectedOnEncode") {};

  /** The global model; present when {@code trainGlobal}. */
  public static final TupleTag<GlobalModel> GLOBAL_MODEL = new TupleTag<GlobalModel>("global") {};

  private static final TupleTag<KV<String, SensorEvent>> ENCODED =
      new TupleTag<KV<String, SensorEvent>>("encoded") {};

  private final TabularSchema schema;
  private final PCollectionView<TabularEncoder> encoder;
  private final TrainingParams training;
  private final int maxRowsPerEntity;
  private final boolean trainGlobal;

  public TrainPerEntity(
      TabularSchema schema,
      PCollectionView<TabularEncoder> encoder,
      TrainingParams training,
      int maxRowsPerEntity) {
    this(schema, encoder, training, maxRowsPerEntity, usesFleet(training));
  }

  /**
   * @param trainGlobal train the global model even when no entity may use it (for the comparison)
   */
  public TrainPerEntity(
      TabularSchema schema,
      PCollectionView<TabularEncoder> encoder,
      TrainingParams training,
      int maxRowsPerEntity,
      boolean trainGlobal) {
    this.schema = schema;
    this.encoder = encoder;
    this.training = training;
    this.maxRowsPerEntity = maxRowsPerEntity;
    this.trainGlobal = trainGlobal || usesFleet(training);
  }

  /** Whether the candidates include one built from the fleet (global) model. */
  public static boolean usesFleet(TrainingParams training) {
    return training.allows(ModelKind.FLEET) || training.allows(ModelKind.FLEET_TUNED);
  }

  @Override
  public PCollectionTuple expand(PCollection<TabularRecord> rows) {
    PCollectionTuple encoded =
        rows.apply(
            "EncodeRows",
            ParDo.of(new EncodeRowsFn(schema, encoder, ENCODED, REJECTED))
                .withSideInputs(encoder)
                .withOutputTags(ENCODED, TupleTagList.of(REJECTED)));
    encoded.get(REJECTED).setCoder(RejectedRowCoder.of());
    PCollection<KV<String, WindowSample>> samples =
        encoded
            .get(ENCODED)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SensorEventCoder.of()))
            .apply(
                "CollectTrainingSet",
                Combine.<String, SensorEvent, WindowSample>perKey(
                        new CollectEntitySampleCombineFn(encoder, maxRowsPerEntity))
                    .withSideInputs(encoder))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowSampleCoder.of()));
    if (!trainGlobal) {
      PCollection<KV<String, WindowOutcome>> outcomes =
          samples
              .apply(
                  "TrainOnEntityHistory",
                  ParDo.of(new TrainEntityModelFn(new XgbTrainer(training), null)))
              .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
      return PCollectionTuple.of(OUTCOMES, outcomes).and(REJECTED, encoded.get(REJECTED));
    }
    PCollection<GlobalModel> global =
        samples
            .apply("KeyAllAlike", WithKeys.of("all"))
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), WindowSampleCoder.of())))
            .apply("GatherAllSamples", GroupByKey.create())
            .apply("TrainGlobalModel", ParDo.of(new TrainGlobalModelFn(training)))
            .setCoder(GlobalModel.Coder.of());
    PCollectionView<GlobalModel> globalView = global.apply("GlobalModelView", View.asSingleton());
    boolean fleetCandidates = usesFleet(training);
    PCollection<KV<String, WindowOutcome>> outcomes =
        samples
            .apply(
                "TrainOnEntityHistory",
                ParDo.of(
                        new TrainEntityModelFn(
                            new XgbTrainer(training), fleetCandidates ? globalView : null))
                    .withSideInputs(globalView))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
    return PCollectionTuple.of(OUTCOMES, outcomes)
        .and(REJECTED, encoded.get(REJECTED))
        .and(GLOBAL_MODEL, global);
  }
}
