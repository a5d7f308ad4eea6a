package io.fleetlearn.pipeline;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * One machine's events in one event-time window → the window's bounded sample when the window
 * closes, and again, whole, for each late pane: the per-machine collection as one keyed stateful
 * step (Beam's timely and stateful processing), without the windowing machinery of a {@code
 * GroupByKey}/{@code Combine} (its trigger and pane state per element).
 *
 * <p>Input: events keyed by machine id, in fixed windows with allowed lateness (the runner drops
 * events whose window has expired and collects the state of expired windows). State per machine and
 * window, in one cell (one read and one write per event): the sample ({@link WindowSample}, bounded
 * by its capacity), the panes fired so far, and whether events arrived since the last pane. Timers:
 *
 * <ul>
 *   <li>{@code end}, event time, at the window's end: the on-time pane (pane 0), unless the window
 *       is empty;
 *   <li>{@code late}, processing time, {@code lateFiringDelay} after the first event that arrives
 *       after the on-time pane: a late pane with the whole window so far, so that a burst of late
 *       events retrains once;
 *   <li>{@code close}, event time, at the window's end plus the allowed lateness: a last late pane
 *       for late events whose {@code late} timer has not fired yet.
 * </ul>
 *
 * Output: one {@link TrainingInput} per machine, window and pane, keyed by machine id, at the
 * window's end (its timestamp is held by the timer until then).
 */
public final class CollectWindowSampleFn
    extends DoFn<KV<String, SensorEvent>, KV<String, TrainingInput>> {
  private final int dim;
  private final int capacity;
  private final Duration allowedLateness;
  private final Duration lateFiringDelay;
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;

  private final org.apache.beam.sdk.metrics.Counter windowsClosed =
      org.apache.beam.sdk.metrics.Metrics.counter("fleetlearn", "windows_closed");

  /** The window's sample, panes fired so far, and whether events arrived since the last pane. */
  @StateId("window")
  private final StateSpec<ValueState<OpenWindow>> windowSpec =
      StateSpecs.value(OpenWindow.Coder.INSTANCE);

  @TimerId("end")
  private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  @TimerId("late")
  private final TimerSpec lateSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  @TimerId("close")
  private final TimerSpec closeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  public CollectWindowSampleFn(
      int dim,
      int capacity,
      Duration allowedLateness,
      Duration lateFiringDelay,
      MetricsConfig metricsConfig) {
    this.dim = dim;
    this.capacity = capacity;
    this.allowedLateness = allowedLateness;
    this.lateFiringDelay = lateFiringDelay;
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
  public void process(
      @Element KV<String, SensorEvent> e,
      IntervalWindow window,
      @StateId("window") ValueState<OpenWindow> state,
      @TimerId("end") Timer end,
      @TimerId("late") Timer late,
      @TimerId("close") Timer close) {
    OpenWindow w = state.read();
    if (w == null) {
      // The window's first event: its timers.
      w = new OpenWindow(new WindowSample(dim, capacity), 0, false);
      end.withOutputTimestamp(window.maxTimestamp()).set(window.maxTimestamp());
      close
          .withOutputTimestamp(window.maxTimestamp())
          .set(window.maxTimestamp().plus(allowedLateness));
    }
    w.sample.add(e.getValue());
    if (w.panes > 0 && !w.pending) {
      // The first event after a pane: the next (late) pane fires a little later, once.
      late.withOutputTimestamp(window.maxTimestamp()).offset(lateFiringDelay).setRelative();
    }
    w.pending = true;
    state.write(w);
  }

  @OnTimer("end")
  public void onEnd(
      IntervalWindow window,
      @Key String machineId,
      @StateId("window") ValueState<OpenWindow> state,
      OutputReceiver<KV<String, TrainingInput>> out) {
    fire(machineId, window, false, state, out);
  }

  @OnTimer("late")
  public void onLate(
      IntervalWindow window,
      @Key String machineId,
      @StateId("window") ValueState<OpenWindow> state,
      OutputReceiver<KV<String, TrainingInput>> out) {
    fire(machineId, window, true, state, out);
  }

  @OnTimer("close")
  public void onClose(
      IntervalWindow window,
      @Key String machineId,
      @StateId("window") ValueState<OpenWindow> state,
      OutputReceiver<KV<String, TrainingInput>> out) {
    fire(machineId, window, true, state, out);
  }

  /** A pane of the whole window so far, if events arrived since the last one. */
  private void fire(
      String machineId,
      IntervalWindow window,
      boolean lateTimer,
      ValueState<OpenWindow> state,
      OutputReceiver<KV<String, TrainingInput>> out) {
    OpenWindow w = state.read();
    if (w == null || !w.pending) {
      return;
    }
    // A pane is late when the watermark had passed the window's end before it: every pane but an
    // on-time one fired by the end timer.
    boolean late = lateTimer || w.panes > 0;
    // The state's sample goes on growing with late events: the pane gets a copy of it.
    WindowSample pane = new WindowSample(dim, capacity, Math.max(1, w.sample.size()));
    pane.merge(w.sample);
    windowsClosed.inc();
    metrics.windowClosed(late, window.end().getMillis());
    out.outputWithTimestamp(
        KV.of(
            machineId,
            TrainingInput.window(
                machineId,
                window.start().getMillis(),
                window.end().getMillis(),
                w.panes,
                late,
                pane)),
        window.maxTimestamp());
    w.panes++;
    w.pending = false;
    state.write(w);
  }

  /** One machine's open window: mutable, owned by the state cell. */
  static final class OpenWindow {
    final WindowSample sample;
    long panes;
    boolean pending;

    OpenWindow(WindowSample sample, long panes, boolean pending) {
      this.sample = sample;
      this.panes = panes;
      this.pending = pending;
    }

    /** The sample, the panes and the pending flag, in that order. */
    static final class Coder extends AtomicCoder<OpenWindow> {
      static final Coder INSTANCE = new Coder();

      @Override
      public void encode(OpenWindow w, OutputStream out) throws IOException {
        WindowSampleCoder.of().encode(w.sample, out);
        VarLongCoder.of().encode(w.panes, out);
        out.write(w.pending ? 1 : 0);
      }

      @Override
      public OpenWindow decode(InputStream in) throws IOException {
        WindowSample sample = WindowSampleCoder.of().decode(in);
        long panes = VarLongCoder.of().decode(in);
        int pending = in.read();
        if (pending < 0) {
          throw new EOFException("open window without its pending flag");
        }
        return new OpenWindow(sample, panes, pending == 1);
      }

      @Override
      public void verifyDeterministic() {}
    }
  }

  /**
   * The per-machine collection as the job runs it, with only the samples out (keyed by machine id,
   * one per window pane): for benchmarks and tests of the collection alone.
   */
  public static PCollection<KV<String, WindowSample>> samples(
      PCollection<KV<String, SensorEvent>> windowed, RetrainingConfig config) {
    return windowed
        .apply(
            "CollectTrainingSet",
            ParDo.of(
                new CollectWindowSampleFn(
                    config.schema().size(),
                    config.reservoirCapacity(),
                    config.allowedLateness(),
                    config.lateFiringDelay(),
                    config.metrics())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), TrainingInput.Coder.of()))
        .apply(
            "SamplesOnly",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.strings(), TypeDescriptor.of(WindowSample.class)))
                .via((KV<String, TrainingInput> w) -> KV.of(w.getKey(), w.getValue().sample())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowSampleCoder.of()));
  }
}
