package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.FleetBaseline;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains one entity's model on its whole history sample with the streaming {@link XgbTrainer},
 * choosing among its candidates with the {@link GlobalModel} (side input) as the fleet model when
 * one is given. The outcome's "window" is the span of the entity's row times ([0, 0] without a time
 * column).
 */
final class TrainEntityModelFn extends DoFn<KV<String, WindowSample>, KV<String, WindowOutcome>> {
  private final XgbTrainer trainer;
  private final @Nullable PCollectionView<GlobalModel> global;

  TrainEntityModelFn(XgbTrainer trainer, @Nullable PCollectionView<GlobalModel> global) {
    this.trainer = trainer;
    this.global = global;
  }

  @ProcessElement
  public void process(ProcessContext c) {
    KV<String, WindowSample> e = c.element();
    WindowSample s = e.getValue();
    FleetBaseline fleet = global == null ? null : c.sideInput(global).asFleet(trainer.params());
    TrainingResult r = trainer.train(s, fleet);
    BatchCounters.counter(
            r.isTrained() ? BatchCounters.MODELS_TRAINED : BatchCounters.MODELS_SKIPPED)
        .inc();
    c.output(
        KV.of(
            e.getKey(),
            new WindowOutcome(e.getKey(), s.minTimestamp(), s.maxTimestamp(), 0, false, s, r)));
  }
}
