package io.fleetlearn.bench;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatorConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-event costs of the ingest path without a runner: parsing one event, adding one event to a
 * window sample, and coding a full window sample as state and the shuffle see it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventPathBenchmark {
  private static final int EVENTS = 1024;

  private byte[][] values;
  private SensorEvent[] events;
  private SensorEventParser parser;
  private WindowSample sample;
  private byte[] encodedSample;
  private int next;

  @Setup
  public void setUp() throws IOException {
    SensorSimulator sim = new SensorSimulator(SimulatorConfig.builder().machines(1).build());
    parser = new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());
    values = new byte[EVENTS][];
    events = new SensorEvent[EVENTS];
    long now = System.currentTimeMillis();
    for (int i = 0; i < EVENTS; i++) {
      values[i] = sim.next(now - 60_000 + i).value();
      events[i] = parser.parse(values[i], now).event();
    }
    sample = new WindowSample(4, 2000);
    for (int i = 0; i < 500; i++) {
      sample.add(events[i]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WindowSampleCoder.of().encode(sample, out);
    encodedSample = out.toByteArray();
  }

  /** One sensor event parsed and validated from its JSON bytes. */
  @Benchmark
  public Object parseEvent() {
    return parser.parse(values[next++ & (EVENTS - 1)], -1);
  }

  /** One event added to a window sample that already holds 500 (bottom-k, capacity 2000). */
  @Benchmark
  public Object addToWindowSample() {
    WindowSample s = new WindowSample(4, 2000);
    s.merge(sample);
    s.add(events[next++ & (EVENTS - 1)]);
    return s;
  }

  /** A 500-row window sample encoded (checkpoint, shuffle, RocksDB write). */
  @Benchmark
  public byte[] encodeWindowSample() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(encodedSample.length + 16);
    WindowSampleCoder.of().encode(sample, out);
    return out.toByteArray();
  }

  /** A 500-row window sample decoded. */
  @Benchmark
  public WindowSample decodeWindowSample() throws IOException {
    return WindowSampleCoder.of().decode(new ByteArrayInputStream(encodedSample));
  }
}
