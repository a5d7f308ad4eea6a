package io.fleetlearn.pipeline;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Keys events by machine id and cuts them into event-time fixed windows. A window fires once when
 * the watermark passes its end; events up to {@code allowedLateness} behind the watermark re-fire
 * it (after {@code lateFiringDelay} of processing time, so a burst of late events retrains once),
 * with panes accumulating so a late pane trains on the whole window. Events later than that are
 * dropped by the runner and counted in its {@code droppedDueToLateness} metric.
 */
public final class WindowPerMachine
    extends PTransform<PCollection<SensorEvent>, PCollection<KV<String, SensorEvent>>> {
  private final Duration size;
  private final Duration allowedLateness;
  private final Duration lateFiringDelay;

  public WindowPerMachine(Duration size, Duration allowedLateness, Duration lateFiringDelay) {
    this.size = size;
    this.allowedLateness = allowedLateness;
    this.lateFiringDelay = lateFiringDelay;
  }

  @Override
  public PCollection<KV<String, SensorEvent>> expand(PCollection<SensorEvent> events) {
    return events
        .apply(
            "KeyByMachine",
            WithKeys.of(SensorEvent::machineId).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SensorEventCoder.of()))
        .apply(
            "AssignEventTimeWindows",
            Window.<KV<String, SensorEvent>>into(FixedWindows.of(size))
                .triggering(
                    AfterWatermark.pastEndOfWindow()
                        .withLateFirings(
                            AfterProcessingTime.pastFirstElementInPane()
                                .plusDelayOf(lateFiringDelay)))
                .withAllowedLateness(allowedLateness, Window.ClosingBehavior.FIRE_IF_NON_EMPTY)
                .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY)
                .accumulatingFiredPanes());
  }
}
