package io.fleetlearn.dataset;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import org.apache.beam.sdk.coders.Coder;

/**
 * Folds one machine's events of one window into a {@link WindowSample} of bounded size. Mergeable,
 * so runners may lift it before the shuffle and only samples (never raw events) cross the network.
 */
public final class CollectTrainingSetCombineFn extends WindowSampleCombineFn<SensorEvent> {
  public CollectTrainingSetCombineFn(int dim, int capacity) {
    super(dim, capacity);
  }

  @Override
  public WindowSample addInput(WindowSample acc, SensorEvent e) {
    acc.add(e);
    return acc;
  }

  static Coder<SensorEvent> inputCoder() {
    return SensorEventCoder.of();
  }
}
