package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
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
 */
public final class TrainPerEntity extends PTransform<PCollection<TabularRecord>, PCollectionTuple> {
  public static final TupleTag<KV<String, WindowOutcome>> OUTCOMES =
      new TupleTag<KV<String, WindowOutcome>>("outcomes") {};
  public static final TupleTag<RejectedRow> REJECTED =
      new TupleTag<RejectedRow>("rejectedOnEncode") {};

  private static final TupleTag<KV<String, SensorEvent>> ENCODED =
      new TupleTag<KV<String, SensorEvent>>("encoded") {};

  private final TabularSchema schema;
  private final PCollectionView<TabularEncoder> encoder;
  private final TrainingParams training;
  private final int maxRowsPerEntity;

  public TrainPerEntity(
      TabularSchema schema,
      PCollectionView<TabularEncoder> encoder,
      TrainingParams training,
      int maxRowsPerEntity) {
    this.schema = schema;
    this.encoder = encoder;
    this.training = training;
    this.maxRowsPerEntity = maxRowsPerEntity;
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
    PCollection<KV<String, WindowOutcome>> outcomes =
        encoded
            .get(ENCODED)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), SensorEventCoder.of()))
            .apply(
                "CollectTrainingSet",
                Combine.<String, SensorEvent, WindowSample>perKey(
                        new CollectEntitySampleCombineFn(encoder, maxRowsPerEntity))
                    .withSideInputs(encoder))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowSampleCoder.of()))
            .apply(
                "TrainOnEntityHistory", ParDo.of(new TrainEntityModelFn(new XgbTrainer(training))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
    return PCollectionTuple.of(OUTCOMES, outcomes).and(REJECTED, encoded.get(REJECTED));
  }
}
