package io.fleetlearn.pipeline;

import io.fleetlearn.event.DeadLetter;
import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.RawRecord;
import io.fleetlearn.event.RejectReason;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Parses each raw record into a {@link SensorEvent} stamped with its event time, or a {@link
 * DeadLetter} carrying the original bytes. Never throws for any input: read = accepted +
 * dead-lettered, always.
 */
final class ParseSensorEventFn extends DoFn<RawRecord, SensorEvent> {
  static final String STAGE = "parse";

  private final SensorEventParser parser;
  private final TupleTag<DeadLetter> deadLetters;
  private final Counter deadLettered = Metrics.counter("fleetlearn", "events_dead_lettered");
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;

  ParseSensorEventFn(
      SensorEventParser parser, TupleTag<DeadLetter> deadLetters, MetricsConfig metricsConfig) {
    this.parser = parser;
    this.deadLetters = deadLetters;
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
  public void process(@Element RawRecord r, @Timestamp Instant ts, MultiOutputReceiver out) {
    // Every event is counted once, by the workers' Micrometer registry; a Beam counter here would
    // count it again and be pushed into Flink's metrics (docs/observability.md).
    metrics.eventRead();
    ParseResult p;
    try {
      p = parser.parseRecord(r.value(), r.recordTimestampMillis());
    } catch (RuntimeException e) {
      // The parser is built never to throw; this keeps the promise even if it one day does.
      deadLettered.inc();
      metrics.deadLettered(RejectReason.INTERNAL_ERROR);
      out.get(deadLetters)
          .output(
              new DeadLetter(
                  r,
                  STAGE,
                  RejectReason.INTERNAL_ERROR.name(),
                  e.getClass().getName(),
                  System.currentTimeMillis()));
      Metrics.counter("fleetlearn", "dead_letters_" + RejectReason.INTERNAL_ERROR.name()).inc();
      return;
    }
    if (p.isAccepted()) {
      metrics.eventAccepted();
      SensorEvent e = p.event();
      out.get(ParseAndValidate.ACCEPTED).outputWithTimestamp(e, new Instant(e.timestampMillis()));
    } else {
      deadLettered.inc();
      metrics.deadLettered(p.reason());
      Metrics.counter("fleetlearn", "dead_letters_" + p.reason().name()).inc();
      out.get(deadLetters)
          .output(
              new DeadLetter(r, STAGE, p.reason().name(), p.detail(), System.currentTimeMillis()));
    }
  }

  // The source may already stamp records with a different time (Kafka's, or none for files):
  // the event's own time always wins, earlier or later.
  @SuppressWarnings("deprecation")
  @Override
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }
}
