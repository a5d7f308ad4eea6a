package io.fleetlearn.dataset;

/**
 * Merges the partial {@link WindowSample}s of one machine and window (those {@link
 * PreCombineSamplesFn} made per bundle) into one. Merging bottom-k samples is exact, so the result
 * is the sample that folding every event into one accumulator gives, whatever the bundling. Its
 * accumulator is the same {@link WindowSample} (same coder) that {@link
 * CollectTrainingSetCombineFn} accumulates, so open windows in a savepoint of either restore.
 */
public final class MergeWindowSamplesFn extends WindowSampleCombineFn<WindowSample> {
  public MergeWindowSamplesFn(int dim, int capacity) {
    super(dim, capacity);
  }

  @Override
  public WindowSample addInput(WindowSample acc, WindowSample partial) {
    // The partial is left unchanged: with object reuse the runner may still hold it.
    acc.merge(partial);
    return acc;
  }
}
