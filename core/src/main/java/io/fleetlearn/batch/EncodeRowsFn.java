package io.fleetlearn.batch;

import io.fleetlearn.event.SensorEvent;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Turns a row into the streaming pipeline's unit of training data: a {@link SensorEvent} keyed by
 * entity (entity key, time, encoded features, label), or a {@link RejectedRow} with the reason.
 */
final class EncodeRowsFn extends DoFn<TabularRecord, KV<String, SensorEvent>> {
  static final String STAGE = "EncodeRows";

  private final TabularSchema schema;
  private final PCollectionView<TabularEncoder> encoder;
  private final TupleTag<KV<String, SensorEvent>> encoded;
  private final TupleTag<RejectedRow> rejected;

  EncodeRowsFn(
      TabularSchema schema,
      PCollectionView<TabularEncoder> encoder,
      TupleTag<KV<String, SensorEvent>> encoded,
      TupleTag<RejectedRow> rejected) {
    this.schema = schema;
    this.encoder = encoder;
    this.encoded = encoded;
    this.rejected = rejected;
  }

  @ProcessElement
  public void process(ProcessContext c) {
    TabularRecord r = c.element();
    String[] values = r.values();
    try {
      String entity = schema.entityOf(values);
      byte label = schema.labelOf(values);
      long time = schema.timeOf(values);
      float[] features = c.sideInput(encoder).encode(col -> schema.value(values, col));
      if (label < 0) {
        BatchCounters.counter(BatchCounters.ROWS_UNLABELLED).inc();
      }
      BatchCounters.counter(BatchCounters.ROWS_ENCODED).inc();
      c.output(encoded, KV.of(entity, new SensorEvent(entity, time, features, label)));
    } catch (RowRejectedException e) {
      BatchCounters.countRejected(e.reason());
      c.output(rejected, RejectedRow.of(r, STAGE, e));
    }
  }
}
