package io.fleetlearn.scoring;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.metrics.PipelineMetrics;

/**
 * Scores one event with a loaded model at the model's alert threshold and records the latency: what
 * both scoring DoFns do.
 */
final class EventScorer {
  private EventScorer() {}

  static DefectPrediction score(
      ModelEvaluator evaluator,
      SensorEvent e,
      double threshold,
      ModelSource source,
      long version,
      PipelineMetrics metrics) {
    long start = System.nanoTime();
    float p = evaluator.predict(e.features());
    long nanos = System.nanoTime() - start;
    DefectPrediction prediction = DefectPrediction.of(e, p, threshold, source, version);
    metrics.eventScored(source, nanos, prediction.alert());
    return prediction;
  }
}
