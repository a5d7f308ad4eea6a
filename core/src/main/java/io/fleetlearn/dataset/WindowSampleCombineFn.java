package io.fleetlearn.dataset;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * A combine into a bounded {@link WindowSample}: what folding events ({@link
 * CollectTrainingSetCombineFn}) and merging partial samples ({@link MergeWindowSamplesFn}) share.
 * Subclasses say only how one input enters the accumulator; accumulators merge exactly and are
 * coded by {@link WindowSampleCoder}.
 */
abstract class WindowSampleCombineFn<InputT> extends CombineFn<InputT, WindowSample, WindowSample> {
  private final int dim;
  private final int capacity;

  WindowSampleCombineFn(int dim, int capacity) {
    this.dim = dim;
    this.capacity = capacity;
  }

  @Override
  public final WindowSample createAccumulator() {
    return new WindowSample(dim, capacity);
  }

  @Override
  public final WindowSample mergeAccumulators(Iterable<WindowSample> accs) {
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
  public final WindowSample extractOutput(WindowSample acc) {
    return acc;
  }

  @Override
  public final Coder<WindowSample> getAccumulatorCoder(CoderRegistry r, Coder<InputT> in) {
    return WindowSampleCoder.of();
  }

  @Override
  public final Coder<WindowSample> getDefaultOutputCoder(CoderRegistry r, Coder<InputT> in) {
    return WindowSampleCoder.of();
  }
}
