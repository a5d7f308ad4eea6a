package io.fleetlearn.pipeline;

import org.apache.beam.sdk.transforms.DoFn;

/**
 * A fault drill: passes its input through unchanged, and throws once when this JVM has seen {@code
 * after} elements ({@link FailOnce}), so that the runner fails the job and restores it from its
 * last checkpoint.
 */
public final class FailOnceFn<T> extends DoFn<T, T> {
  private final FailOnce drill;

  /**
   * @param after elements to pass before failing (at least 1)
   * @param marker the file that records the failure
   */
  public FailOnceFn(long after, String marker) {
    this.drill = new FailOnce(after, marker, "elements");
  }

  @ProcessElement
  public void process(@Element T element, OutputReceiver<T> out) {
    failIfDue();
    out.output(element);
  }

  /** Counts one element; throws {@link FailOnce.InjectedFailure} if it is the one to fail on. */
  void failIfDue() {
    drill.countAndFailIfDue();
  }
}
