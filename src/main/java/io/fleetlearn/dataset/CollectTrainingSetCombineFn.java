package io.fleetlearn.dataset;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * Folds one machine's events of one window into a {@link WindowSample} of bounded size. Mergeable,
 * so runners may lift it before the shuffle and only samples (never raw events) cross the network.
 */
public final class CollectTrainingSetCombineFn
    extends CombineFn<SensorEvent, WindowSample, WindowSample> {
  private final int dim;
  private final int capacity;

  public CollectTrainingSetCombineFn(int dim, int capacity) {
    this.dim = dim;
    this.capacity = capacity;
  }

  @Override
  public WindowSample createAccumulator() {
    return new WindowSample(dim, capacity);
  }

  @Override
  public WindowSample addInput(WindowSample acc, SensorEvent e) {
    acc.add(e);
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
  public Coder<WindowSample> getAccumulatorCoder(CoderRegistry r, Coder<SensorEvent> in) {
    return WindowSampleCoder.of();
  }

  @Override
  public Coder<WindowSample> getDefaultOutputCoder(CoderRegistry r, Coder<SensorEvent> in) {
    return WindowSampleCoder.of();
  }

  static Coder<SensorEvent> inputCoder() {
    return SensorEventCoder.of();
  }
}
