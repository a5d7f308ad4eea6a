package io.fleetlearn.pipeline;

import io.fleetlearn.event.DeadLetter;
import io.fleetlearn.event.DeadLetterCoder;
import io.fleetlearn.event.RawRecord;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.metrics.MetricsConfig;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Raw records → validated {@link SensorEvent}s (tag {@link #ACCEPTED}, timestamped with event time)
 * and {@link DeadLetter}s (tag {@link #DEAD_LETTERS}, original bytes and reason).
 */
public final class ParseAndValidate extends PTransform<PCollection<RawRecord>, PCollectionTuple> {
  public static final TupleTag<SensorEvent> ACCEPTED = new TupleTag<SensorEvent>("accepted") {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS =
      new TupleTag<DeadLetter>("deadLetters") {};

  private final SensorEventParser parser;
  private final MetricsConfig metrics;

  public ParseAndValidate(SensorEventParser parser) {
    this(parser, MetricsConfig.disabled());
  }

  /** Also counts records read, accepted and dead-lettered (by reason) in the JVM's metrics. */
  public ParseAndValidate(SensorEventParser parser, MetricsConfig metrics) {
    this.parser = parser;
    this.metrics = metrics;
  }

  @Override
  public PCollectionTuple expand(PCollection<RawRecord> input) {
    PCollectionTuple out =
        input.apply(
            "ParseSensorEvent",
            ParDo.of(new ParseSensorEventFn(parser, DEAD_LETTERS, metrics))
                .withOutputTags(ACCEPTED, TupleTagList.of(DEAD_LETTERS)));
    out.get(ACCEPTED).setCoder(SensorEventCoder.of());
    out.get(DEAD_LETTERS).setCoder(DeadLetterCoder.of());
    return out;
  }
}
