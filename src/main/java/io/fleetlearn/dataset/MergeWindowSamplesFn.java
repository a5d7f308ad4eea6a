package io.fleetlearn.dataset;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * Merges the partial {@link WindowSample}s of one machine and window (those {@link
 * PreCombineSamplesFn} made per bundle) into one. Merging bottom-k samples is exact, so the result
 * is the sample that folding every event into one accumulator gives, whatever the bundling. Its
 * accumulator is the same {@link WindowSample} (same coder) that {@link
 * CollectTrainingSetCombineFn} accumulates, so open windows in a savepoint of either restore.
 */
public final class MergeWindowSamplesFn
    extends CombineFn<WindowSample, WindowSample, WindowSample> {
  private final int dim;
  private final int capacity;

  public MergeWindowSamplesFn(int dim, int capacity) {
    this.dim = dim;
    this.capacity = capacity;
  }

  @Override
  public WindowSample createAccumulator() {
    return new WindowSample(dim, capacity);
  }

  @Override
  public WindowSample addInput(WindowSample acc, WindowSample partial) {
    // The partial is left unchanged: with object reuse the runner may still hold it.
    acc.merge(partial);
    return acc;
  }

  @Override
  public WindowSample mergeAccumulators(Iterable<WindowSample> accs) {
    WindowSample merged = null;
    for (WindowSample a : accs) {
      if (merged == null) {
        merged = a;
      } else {
        merged.merge(a);
      }
    }
    return merged == null ? createAccumulator() : merged;
  }

  @Override
  public WindowSample extractOutput(WindowSample acc) {
    return acc;
  }

  @Override
  public Coder<WindowSample> getAccumulatorCoder(CoderRegistry r, Coder<WindowSample> in) {
    return WindowSampleCoder.of();
  }

  @Override
  public Coder<WindowSample> getDefaultOutputCoder(CoderRegistry r, Coder<WindowSample> in) {
    return WindowSampleCoder.of();
  }
}
