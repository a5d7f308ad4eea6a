package io.fleetlearn.batch;

import io.fleetlearn.dataset.CollectTrainingSetCombineFn;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.event.SensorEvent;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.CombineWithContext.CombineFnWithContext;
import org.apache.beam.sdk.transforms.CombineWithContext.Context;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * The streaming pipeline's {@link CollectTrainingSetCombineFn}, for a feature count known only once
 * the encoding has been learnt: it reads the width from the encoder side input and delegates every
 * call, so an entity's history is sampled exactly as a window's events are (bottom-k by content
 * hash, deterministic, mergeable).
 */
final class CollectEntitySampleCombineFn
    extends CombineFnWithContext<SensorEvent, WindowSample, WindowSample> {
  private final PCollectionView<TabularEncoder> encoder;
  private final int capacity;
  private transient CollectTrainingSetCombineFn delegate;

  CollectEntitySampleCombineFn(PCollectionView<TabularEncoder> encoder, int capacity) {
    this.encoder = encoder;
    this.capacity = capacity;
  }

  private CollectTrainingSetCombineFn delegate(Context c) {
    if (delegate == null) {
      delegate = new CollectTrainingSetCombineFn(c.sideInput(encoder).dim(), capacity);
    }
    return delegate;
  }

  @Override
  public WindowSample createAccumulator(Context c) {
    return delegate(c).createAccumulator();
  }

  @Override
  public WindowSample addInput(WindowSample acc, SensorEvent e, Context c) {
    return delegate(c).addInput(acc, e);
  }

  @Override
  public WindowSample mergeAccumulators(Iterable<WindowSample> accs, Context c) {
    return delegate(c).mergeAccumulators(accs);
  }

  @Override
  public WindowSample extractOutput(WindowSample acc, Context c) {
    return delegate(c).extractOutput(acc);
  }

  @Override
  public Coder<WindowSample> getAccumulatorCoder(
      CoderRegistry registry, Coder<SensorEvent> inputCoder) {
    return WindowSampleCoder.of();
  }

  @Override
  public Coder<WindowSample> getDefaultOutputCoder(
      CoderRegistry registry, Coder<SensorEvent> inputCoder) {
    return WindowSampleCoder.of();
  }
}
