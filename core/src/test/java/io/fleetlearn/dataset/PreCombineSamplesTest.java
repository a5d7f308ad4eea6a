package io.fleetlearn.dataset;

import static io.fleetlearn.dataset.WindowSampleTest.canonical;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.pipeline.TrainPerMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The per-bundle pre-combine and the merge after the shuffle give, per machine and window, exactly
 * the sample that folding every event of that machine and window gives: on the direct runner, with
 * the events arriving in many bundles and the watermark moving between them.
 */
public class PreCombineSamplesTest {
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").getMillis();
  private static final Duration WINDOW = Duration.standardMinutes(2);
  private static final int CAPACITY = 16;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** Event {@code i} of machine m-(i % 3), one second apart, with WindowSampleTest's features. */
  private static SensorEvent event(int i) {
    SensorEvent e = WindowSampleTest.event(i);
    return new SensorEvent("m-" + (i % 3), e.timestampMillis(), e.features(), e.label());
  }

  @Test
  public void collectGivesEachMachineAndWindowTheSampleOfAllItsEvents() {
    int n = 600;
    TestStream.Builder<KV<String, SensorEvent>> stream =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), SensorEventCoder.of()));
    Map<String, WindowSample> expected = new TreeMap<>();
    List<TimestampedValue<KV<String, SensorEvent>>> chunk = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SensorEvent e = event(i);
      chunk.add(TimestampedValue.of(KV.of(e.machineId(), e), new Instant(e.timestampMillis())));
      long windowStart = e.timestampMillis() - Math.floorMod(e.timestampMillis(), 120_000L);
      expected
          .computeIfAbsent(e.machineId() + "@" + windowStart, k -> new WindowSample(4, CAPACITY))
          .add(e);
      if (chunk.size() == 37 || i == n - 1) {
        stream =
            stream
                .addElements(
                    chunk.get(0), chunk.subList(1, chunk.size()).toArray(new TimestampedValue[0]))
                .advanceWatermarkTo(new Instant(e.timestampMillis()));
        chunk = new ArrayList<>();
      }
    }
    PCollection<KV<String, SensorEvent>> windowed =
        p.apply(stream.advanceWatermarkToInfinity()).apply(Window.into(FixedWindows.of(WINDOW)));
    PCollection<String> out =
        TrainPerMachine.collect(windowed, 4, CAPACITY).apply(ParDo.of(new DescribeFn()));

    List<String> want = new ArrayList<>();
    expected.forEach((k, s) -> want.add(k + " " + canonical(s)));
    PAssert.that(out).containsInAnyOrder(want);
    p.run();
  }

  @Test
  public void mergingPartialsIsTheSampleOfAllTheirEventsHoweverShardedAndMerged() {
    // Partials of 1 to 40 events, as bundles would cut them.
    List<WindowSample> partials = new ArrayList<>();
    WindowSample all = new WindowSample(4, CAPACITY);
    int i = 0;
    for (int size = 1; i < 800; size = size % 40 + 7) {
      WindowSample part = new WindowSample(4, CAPACITY);
      for (int k = 0; k < size && i < 800; k++, i++) {
        part.add(WindowSampleTest.event(i));
        all.add(WindowSampleTest.event(i));
      }
      partials.add(part);
    }
    CombineFnTester.testCombineFn(
        new MergeWindowSamplesFn(4, CAPACITY),
        partials,
        CollectTrainingSetCombineFnTest.sameSampleAs(all));
  }

  /** "machine@windowStart canonical-sample" for each output. */
  private static final class DescribeFn extends DoFn<KV<String, WindowSample>, String> {
    @ProcessElement
    public void process(
        @Element KV<String, WindowSample> kv, BoundedWindow w, OutputReceiver<String> out) {
      long start = ((IntervalWindow) w).start().getMillis();
      out.output(kv.getKey() + "@" + start + " " + canonical(kv.getValue()));
    }
  }
}
