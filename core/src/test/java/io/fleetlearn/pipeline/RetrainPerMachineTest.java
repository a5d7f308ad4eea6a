package io.fleetlearn.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fleetlearn.event.DeadLetter;
import io.fleetlearn.event.RawRecord;
import io.fleetlearn.event.RawRecordCoder;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.testing.TestEvents;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The retraining flow under each kind of event timing, on the direct runner with TestStream: on
 * time, late but allowed, too late; plus malformed input and windows without enough data.
 */
public class RetrainPerMachineTest {
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration WINDOW = Duration.standardMinutes(1);

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static RetrainingConfig config() {
    return RetrainingConfig.builder()
        .windowSize(WINDOW)
        .allowedLateness(Duration.standardMinutes(1))
        .lateFiringDelay(Duration.standardSeconds(5))
        .build();
  }

  /** 300 learnable events per machine spread over the window starting at {@code start}. */
  private static List<TimestampedValue<RawRecord>> window(
      String[] machines, Instant start, Random rnd, long[] offset) {
    List<TimestampedValue<RawRecord>> out = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      for (int m = 0; m < machines.length; m++) {
        long ts = start.getMillis() + i * 190L + m;
        out.add(
            TimestampedValue.of(
                TestEvents.raw(
                    machines[m], TestEvents.learnable(machines[m], m, ts, rnd), offset[0]++),
                new Instant(ts)));
      }
    }
    return out;
  }

  private static List<ModelUpdate> sorted(Iterable<ModelUpdate> it) {
    return StreamSupport.stream(it.spliterator(), false)
        .sorted(
            Comparator.comparing(ModelUpdate::machineId)
                .thenComparingLong(ModelUpdate::windowStart)
                .thenComparingLong(ModelUpdate::paneIndex))
        .collect(Collectors.toList());
  }

  @Test
  public void onTimeWindowsTrainOneVersionedModelPerMachineAndWindow() {
    String[] machines = {"press-000", "press-001", "press-002"};
    Random rnd = new Random(7);
    long[] offset = {0};
    TestStream<RawRecord> events =
        TestStream.create(RawRecordCoder.of())
            .addElements(
                TimestampedValue.of(TestEvents.raw("x", "{not json", offset[0]++), T0),
                window(machines, T0, rnd, offset).toArray(new TimestampedValue[0]))
            .advanceWatermarkTo(T0.plus(WINDOW).plus(Duration.standardSeconds(1)))
            .addElements(
                TimestampedValue.of(
                    new RawRecord(null, null, "sensor-events", 0, offset[0]++, -1),
                    T0.plus(WINDOW)),
                window(machines, T0.plus(WINDOW), rnd, offset).toArray(new TimestampedValue[0]))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = p.apply(events).apply(new RetrainPerMachine(config()));

    PAssert.that(out.get(RetrainPerMachine.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = sorted(it);
              assertEquals(6, u.size());
              for (int m = 0; m < 3; m++) {
                ModelUpdate first = u.get(2 * m);
                ModelUpdate second = u.get(2 * m + 1);
                assertEquals(machines[m], first.machineId());
                assertEquals(ModelUpdate.Status.PROMOTED, first.status());
                assertEquals(1, first.version());
                assertEquals(T0.getMillis(), first.windowStart());
                assertEquals(300, first.events());
                assertTrue("AUC " + first.metrics().auc(), first.metrics().auc() > 0.7);
                assertTrue(first.model().length > 1000);
                assertEquals(T0.plus(WINDOW).getMillis(), second.windowStart());
                // the second window either replaces the champion or chooses its threshold again
                // (v2), or keeps it as it is (v1)
                assertEquals(second.changesServedModel() ? 2 : 1, second.version());
                assertTrue(second.championMetrics() != null);
              }
              return null;
            });
    PAssert.that(out.get(io.fleetlearn.pipeline.ParseAndValidate.DEAD_LETTERS))
        .satisfies(
            it -> {
              List<String> codes = new ArrayList<>();
              for (DeadLetter d : it) {
                codes.add(d.reasonCode());
              }
              codes.sort(null);
              assertEquals(List.of("MALFORMED_JSON", "TOMBSTONE"), codes);
              return null;
            });
    PAssert.thatSingleton(
            out.get(ParseAndValidate.ACCEPTED)
                .apply(Window.into(FixedWindows.of(Duration.standardDays(1))))
                .apply(Combine.globally(Count.<SensorEvent>combineFn()).withoutDefaults()))
        .isEqualTo(1800L);
    p.run().waitUntilFinish();
  }

  @Test
  public void lateButAllowedEventsRetrainTheWindowInALatePane() {
    String[] machines = {"press-000"};
    Random rnd = new Random(3);
    long[] offset = {0};
    Instant late = T0.plus(Duration.standardSeconds(30));
    TestStream<RawRecord> events =
        TestStream.create(RawRecordCoder.of())
            .addElements(
                window(machines, T0, rnd, offset).get(0),
                window(machines, T0, rnd, offset).subList(1, 300).toArray(new TimestampedValue[0]))
            .advanceWatermarkTo(T0.plus(WINDOW).plus(Duration.standardSeconds(10)))
            .addElements(
                TimestampedValue.of(
                    TestEvents.raw(
                        "press-000",
                        TestEvents.learnable("press-000", 0, late.getMillis(), rnd),
                        999),
                    late))
            .advanceProcessingTime(Duration.standardSeconds(10))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = p.apply(events).apply(new RetrainPerMachine(config()));
    PAssert.that(out.get(RetrainPerMachine.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = sorted(it);
              assertEquals(2, u.size());
              assertEquals(false, u.get(0).isLate());
              assertEquals(300, u.get(0).events());
              assertEquals(true, u.get(1).isLate());
              assertEquals(1, u.get(1).paneIndex());
              // accumulating panes: the late pane trains on the whole window plus the late event
              assertEquals(301, u.get(1).events());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void eventsLaterThanTheAllowedLatenessDoNotReopenTheWindow() {
    String[] machines = {"press-000"};
    Random rnd = new Random(5);
    long[] offset = {0};
    Instant tooLate = T0.plus(Duration.standardSeconds(20));
    TestStream<RawRecord> events =
        TestStream.create(RawRecordCoder.of())
            .addElements(
                window(machines, T0, rnd, offset).get(0),
                window(machines, T0, rnd, offset).subList(1, 300).toArray(new TimestampedValue[0]))
            // past window end + allowed lateness (1 min): the window is expired
            .advanceWatermarkTo(T0.plus(WINDOW).plus(Duration.standardMinutes(2)))
            .addElements(
                TimestampedValue.of(
                    TestEvents.raw(
                        "press-000",
                        TestEvents.learnable("press-000", 0, tooLate.getMillis(), rnd),
                        999),
                    tooLate))
            .advanceProcessingTime(Duration.standardSeconds(10))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = p.apply(events).apply(new RetrainPerMachine(config()));
    PAssert.that(out.get(RetrainPerMachine.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = sorted(it);
              assertEquals(1, u.size());
              assertEquals(300, u.get(0).events());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void windowsWithOneClassOrTooFewLabelsAreSkippedWithAReason() {
    List<TimestampedValue<RawRecord>> in = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long ts = T0.getMillis() + i * 100L;
      in.add(
          TimestampedValue.of(
              TestEvents.raw(
                  "healthy",
                  TestEvents.json("healthy", ts, new float[] {70, 0.8f, 5, 12}, false),
                  i),
              new Instant(ts)));
    }
    for (int i = 0; i < 10; i++) {
      long ts = T0.getMillis() + i * 100L;
      in.add(
          TimestampedValue.of(
              TestEvents.raw(
                  "sparse",
                  TestEvents.json("sparse", ts, new float[] {70, 0.8f, 5, 12}, i % 2 == 0),
                  500 + i),
              new Instant(ts)));
    }
    TestStream<RawRecord> events =
        TestStream.create(RawRecordCoder.of())
            .addElements(in.get(0), in.subList(1, in.size()).toArray(new TimestampedValue[0]))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = p.apply(events).apply(new RetrainPerMachine(config()));
    PAssert.that(out.get(RetrainPerMachine.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = sorted(it);
              assertEquals(2, u.size());
              assertEquals("healthy", u.get(0).machineId());
              assertEquals(ModelUpdate.Status.SKIPPED, u.get(0).status());
              assertTrue(u.get(0).reason(), u.get(0).reason().startsWith("single class"));
              assertEquals(0, u.get(0).version());
              assertEquals(null, u.get(0).model());
              assertEquals(ModelUpdate.Status.SKIPPED, u.get(1).status());
              assertTrue(
                  u.get(1).reason(), u.get(1).reason().startsWith("too few labelled events"));
              return null;
            });
    p.run().waitUntilFinish();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void
      withTheFleetModelOnEachWindowChoosesAmongCandidatesFromTheFleetModelOfAnEarlierWindow() {
    String[] machines = {"press-000", "press-001", "press-002"};
    Random rnd = new Random(11);
    long[] offset = {0};
    TestStream.Builder<RawRecord> b = TestStream.create(RawRecordCoder.of());
    for (int w = 0; w < 3; w++) {
      Instant start = T0.plus(WINDOW.multipliedBy(w));
      List<TimestampedValue<RawRecord>> events = window(machines, start, rnd, offset);
      b =
          b.addElements(
                  events.get(0), events.subList(1, events.size()).toArray(new TimestampedValue[0]))
              .advanceWatermarkTo(start.plus(WINDOW).plus(Duration.standardSeconds(1)));
    }
    RetrainingConfig config =
        RetrainingConfig.builder()
            .windowSize(WINDOW)
            .allowedLateness(Duration.ZERO)
            .lateFiringDelay(Duration.standardSeconds(5))
            .scoring(ScoringConfig.builder().fleetShards(2).build())
            .build();
    PCollectionTuple out =
        p.apply(b.advanceWatermarkToInfinity()).apply(new RetrainPerMachine(config));

    PAssert.that(out.get(RetrainPerMachine.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = sorted(it);
              assertEquals(9, u.size());
              for (ModelUpdate x : u) {
                TrainingResult.Selection sel = x.selection();
                assertTrue(x.toString(), sel != null);
                if (x.windowStart() == T0.getMillis()) {
                  // No fleet model was trained on an earlier window: the machine's own only.
                  assertEquals(x.toString(), 0, sel.fleetVersion());
                  assertEquals(Set.of(ModelKind.OWN), sel.validationAuc().keySet());
                  assertTrue(x.fleetMetrics() == null);
                } else {
                  // The fleet model of an earlier window: version 1 (window 0) or later.
                  assertTrue(x.toString(), sel.fleetVersion() >= 1);
                  assertEquals(3, sel.validationAuc().size());
                  assertTrue(x.toString(), x.fleetMetrics() != null);
                  assertTrue(x.fleetMetrics().hasCounts());
                }
                assertTrue(x.metrics().hasCounts());
                assertEquals(sel.threshold(), x.metrics().threshold(), 0.0);
                if (x.status() == ModelUpdate.Status.PROMOTED) {
                  assertEquals(sel.kind(), x.modelKind());
                  assertEquals(sel.threshold(), x.modelThreshold(), 0.0);
                }
              }
              return null;
            });
    PAssert.that(out.get(RetrainPerMachine.FLEET_MODEL_UPDATES))
        .satisfies(
            it -> {
              for (ModelUpdate f : it) {
                // The fleet model is always a model of its own sample.
                assertEquals(ModelKind.OWN, f.selection().kind());
                assertEquals(0, f.selection().fleetVersion());
              }
              return null;
            });
    p.run().waitUntilFinish();
  }
}
