package io.fleetlearn.pipeline;

import static org.junit.Assert.assertEquals;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.metrics.MetricsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The keyed stateful collection of one machine's window, event timing by event timing (TestStream,
 * direct runner): which panes fire, when, whole or not, and what is dropped.
 */
public class CollectWindowSampleFnTest {
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration WINDOW = Duration.standardMinutes(1);
  private static final Duration LATENESS = Duration.standardMinutes(1);
  private static final Duration LATE_DELAY = Duration.standardSeconds(5);

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static TimestampedValue<KV<String, SensorEvent>> event(String machine, long offsetMs) {
    long ts = T0.getMillis() + offsetMs;
    return TimestampedValue.of(
        KV.of(machine, new SensorEvent(machine, ts, new float[] {1, 2, 3, 4}, (byte) 0)),
        new Instant(ts));
  }

  /** "machine window-offset-s pane late events" per pane fired. */
  private PCollection<String> panes(TestStream<KV<String, SensorEvent>> events) {
    return p.apply(events)
        .apply(
            Window.<KV<String, SensorEvent>>into(FixedWindows.of(WINDOW))
                .withAllowedLateness(LATENESS)
                .discardingFiredPanes())
        .apply(
            ParDo.of(
                new CollectWindowSampleFn(4, 100, LATENESS, LATE_DELAY, MetricsConfig.disabled())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TrainingInput.Coder.of()))
        .apply(
            MapElements.into(TypeDescriptors.strings())
                .via(
                    (KV<String, TrainingInput> w) ->
                        w.getKey()
                            + " "
                            + (w.getValue().windowStart() - T0.getMillis()) / 1000
                            + " pane"
                            + w.getValue().paneIndex()
                            + (w.getValue().isLate() ? " late " : " on-time ")
                            + w.getValue().sample().seen()));
  }

  private static TestStream.Builder<KV<String, SensorEvent>> stream() {
    return TestStream.create(KvCoder.of(StringUtf8Coder.of(), SensorEventCoder.of()));
  }

  @Test
  public void aWindowFiresOnceWhenTheWatermarkPassesItsEndWithEveryEventOfEachMachine() {
    TestStream<KV<String, SensorEvent>> events =
        stream()
            .addElements(event("a", 1_000), event("b", 2_000), event("a", 59_000))
            .addElements(event("a", 61_000))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(70)))
            .advanceWatermarkToInfinity();
    PAssert.that(panes(events))
        .containsInAnyOrder("a 0 pane0 on-time 2", "b 0 pane0 on-time 1", "a 60 pane0 on-time 1");
    p.run();
  }

  @Test
  public void lateButAllowedEventsFireALatePaneWithTheWholeWindowOnceTheirDelayHasPassed() {
    TestStream<KV<String, SensorEvent>> events =
        stream()
            .addElements(event("a", 1_000), event("a", 2_000))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
            // Two late events in a burst: one late pane, after the delay, with all four.
            .addElements(event("a", 3_000), event("a", 4_000))
            .advanceProcessingTime(LATE_DELAY.plus(Duration.standardSeconds(1)))
            // Another late one: another late pane.
            .addElements(event("a", 5_000))
            .advanceProcessingTime(LATE_DELAY.plus(Duration.standardSeconds(1)))
            .advanceWatermarkToInfinity();
    PAssert.that(panes(events))
        .containsInAnyOrder("a 0 pane0 on-time 2", "a 0 pane1 late 4", "a 0 pane2 late 5");
    p.run();
  }

  @Test
  public void lateEventsStillWaitingWhenTheWindowExpiresFireALastPane() {
    TestStream<KV<String, SensorEvent>> events =
        stream()
            .addElements(event("a", 1_000))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
            .addElements(event("a", 2_000))
            // The window expires (end + allowed lateness) before the late delay passes.
            .advanceWatermarkToInfinity();
    PAssert.that(panes(events)).containsInAnyOrder("a 0 pane0 on-time 1", "a 0 pane1 late 2");
    p.run();
  }

  @Test
  public void eventsLaterThanTheAllowedLatenessAreDroppedAndNothingFiresForThem() {
    TestStream<KV<String, SensorEvent>> events =
        stream()
            .addElements(event("a", 1_000))
            .advanceWatermarkTo(T0.plus(WINDOW).plus(LATENESS).plus(Duration.standardSeconds(5)))
            // Its window has expired: dropped by the runner.
            .addElements(event("a", 2_000), event("b", 3_000))
            .advanceProcessingTime(LATE_DELAY.plus(Duration.standardSeconds(1)))
            .advanceWatermarkToInfinity();
    PAssert.that(panes(events)).containsInAnyOrder("a 0 pane0 on-time 1");
    p.run();
  }

  @Test
  public void aPaneCarriesACopyThatLaterEventsDoNotChange() {
    TestStream<KV<String, SensorEvent>> events =
        stream()
            .addElements(event("a", 1_000))
            .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
            .addElements(event("a", 2_000), event("a", 3_000))
            .advanceWatermarkToInfinity();
    PCollection<String> out = panes(events);
    PAssert.that(out)
        .satisfies(
            it -> {
              List<String> all = new ArrayList<>();
              StreamSupport.stream(it.spliterator(), false).forEach(all::add);
              all.sort(String::compareTo);
              assertEquals(List.of("a 0 pane0 on-time 1", "a 0 pane1 late 3"), all);
              return null;
            });
    p.run();
  }
}
