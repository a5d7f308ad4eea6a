package io.fleetlearn.pipeline;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;

/** Trains one machine's challenger when its window pane fires. */
final class TrainOnWindowCloseFn extends DoFn<KV<String, WindowSample>, KV<String, WindowOutcome>> {
  private final XgbTrainer trainer;
  private final Counter windowsClosed = Metrics.counter("fleetlearn", "windows_closed");
  private final Counter trained = Metrics.counter("fleetlearn", "models_trained");
  private final Counter skipped = Metrics.counter("fleetlearn", "models_skipped");
  private final Counter emptyPanes = Metrics.counter("fleetlearn", "empty_panes_ignored");
  private final Distribution trainingMillis = Metrics.distribution("fleetlearn", "training_millis");
  private final MetricsConfig metricsConfig;
  private transient PipelineMetrics metrics;

  TrainOnWindowCloseFn(XgbTrainer trainer, MetricsConfig metricsConfig) {
    this.trainer = trainer;
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
      OutputReceiver<KV<String, WindowOutcome>> out) {
    if (e.getValue().seen() == 0) {
      // A pane without events (the Flink runner can fire one when a window expires after its
      // allowed lateness) has nothing to train on or to report.
      emptyPanes.inc();
      return;
    }
    windowsClosed.inc();
    boolean late = pane.getTiming() == PaneInfo.Timing.LATE;
    metrics.windowClosed(late, window.end().getMillis());
    TrainingResult r = trainer.train(e.getValue());
    if (r.isTrained()) {
      trained.inc();
      trainingMillis.update(r.trainingMillis());
      metrics.modelTrained(r.trainingMillis(), r.model().length);
    } else {
      skipped.inc();
    }
    out.output(
        KV.of(
            e.getKey(),
            new WindowOutcome(
                e.getKey(),
                window.start().getMillis(),
                window.end().getMillis(),
                pane.getIndex(),
                late,
                e.getValue(),
                r)));
  }
}
