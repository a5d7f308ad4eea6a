package io.fleetlearn.pipeline;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.scoring.ScoreWithChampionFn;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;

/**
 * A machine's window pane, when it fires → the same sample with its window and pane written down,
 * keyed by the machine's trainer shard, so it can leave its window for the fleet-aware trainer in
 * the global window. Empty panes are dropped, as {@link TrainOnWindowCloseFn} drops them.
 */
final class TagClosedWindowFn extends DoFn<KV<String, WindowSample>, KV<Integer, TrainingInput>> {
  private final int shards;
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;
  private final Counter windowsClosed = Metrics.counter("fleetlearn", "windows_closed");
  private final Counter emptyPanes = Metrics.counter("fleetlearn", "empty_panes_ignored");

  TagClosedWindowFn(int shards, MetricsConfig metricsConfig) {
    this.shards = shards;
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
      @Element KV<String, WindowSample> e,
      IntervalWindow window,
      PaneInfo pane,
      OutputReceiver<KV<Integer, TrainingInput>> out) {
    if (e.getValue().seen() == 0) {
      emptyPanes.inc();
      return;
    }
    windowsClosed.inc();
    boolean late = pane.getTiming() == PaneInfo.Timing.LATE;
    metrics.windowClosed(late, window.end().getMillis());
    out.output(
        KV.of(
            ScoreWithChampionFn.shard(e.getKey(), shards),
            TrainingInput.window(
                e.getKey(),
                window.start().getMillis(),
                window.end().getMillis(),
                pane.getIndex(),
                late,
                e.getValue())));
  }
}
