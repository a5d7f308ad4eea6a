package io.fleetlearn.pipeline;

import io.fleetlearn.dataset.MergeWindowSamplesFn;
import io.fleetlearn.dataset.PreCombineSamplesFn;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import io.fleetlearn.training.XgbTrainer;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Windowed, keyed events → one {@link WindowOutcome} per machine and window pane: a bounded sample
 * per machine and window ({@link #collect}), then a challenger trained on it ({@code
 * TrainOnWindowClose}). Works in any windowing; the registry downstream carries state across.
 */
public final class TrainPerMachine
    extends PTransform<
        PCollection<KV<String, SensorEvent>>, PCollection<KV<String, WindowOutcome>>> {
  private final RetrainingConfig config;
  private final int sampleCapacity;
  private final TrainingParams training;

  public TrainPerMachine(RetrainingConfig config) {
    this(config, config.reservoirCapacity(), config.training());
  }

  /**
   * With a sample capacity other than the per-machine one and other training parameters (the fleet
   * model's).
   */
  public TrainPerMachine(RetrainingConfig config, int sampleCapacity, TrainingParams training) {
    this.config = config;
    this.sampleCapacity = sampleCapacity;
    this.training = training;
  }

  /**
   * Windowed, keyed events → one {@link WindowSample} per machine and window pane: folded per
   * bundle before the shuffle ({@code PreCombineSamples}), merged per window after it ({@code
   * CollectTrainingSet}). The step that holds the open windows' samples keeps its name and its
   * accumulator (a {@link WindowSample}) from before the pre-combine, so older savepoints restore.
   */
  public static PCollection<KV<String, WindowSample>> collect(
      PCollection<KV<String, SensorEvent>> in, int dim, int capacity) {
    return in.apply("PreCombineSamples", ParDo.of(new PreCombineSamplesFn(dim, capacity)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowSampleCoder.of()))
        .apply("CollectTrainingSet", Combine.perKey(new MergeWindowSamplesFn(dim, capacity)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowSampleCoder.of()));
  }

  @Override
  public PCollection<KV<String, WindowOutcome>> expand(PCollection<KV<String, SensorEvent>> in) {
    return collect(in, config.schema().size(), sampleCapacity)
        .apply(
            "TrainOnWindowClose",
            ParDo.of(new TrainOnWindowCloseFn(new XgbTrainer(training), config.metrics())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
  }
}
