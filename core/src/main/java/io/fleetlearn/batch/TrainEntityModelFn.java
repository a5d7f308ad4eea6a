package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Trains one entity's model on its whole history sample with the streaming {@link XgbTrainer}. The
 * outcome's "window" is the span of the entity's row times ([0, 0] without a time column).
 */
final class TrainEntityModelFn extends DoFn<KV<String, WindowSample>, KV<String, WindowOutcome>> {
  private final XgbTrainer trainer;

  TrainEntityModelFn(XgbTrainer trainer) {
    this.trainer = trainer;
  }

  @ProcessElement
  public void process(
      @Element KV<String, WindowSample> e, OutputReceiver<KV<String, WindowOutcome>> out) {
    WindowSample s = e.getValue();
    TrainingResult r = trainer.train(s);
    BatchCounters.counter(
            r.isTrained() ? BatchCounters.MODELS_TRAINED : BatchCounters.MODELS_SKIPPED)
        .inc();
    out.output(
        KV.of(
            e.getKey(),
            new WindowOutcome(e.getKey(), s.minTimestamp(), s.maxTimestamp(), 0, false, s, r)));
  }
}
