package io.fleetlearn.dataset;

import io.fleetlearn.event.SensorEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;

/**
 * Folds the events of one bundle into one partial {@link WindowSample} per machine and window
 * before the shuffle, so the windowing downstream touches its state once per machine and bundle
 * instead of once per event (Beam's Flink runner lifts combiners in batch pipelines only).
 *
 * <p>Partials leave at the end of the bundle, each in its window with the window's last timestamp
 * (the timestamp the windowed combine gives its output anyway). A bundle holds at most as many
 * partials as it has events, each no larger than its events (rows grow on demand), so memory stays
 * of the order of the bundle itself ({@code --maxBundleSize} on Flink). An event that was on time
 * stays on time: the runner moves no watermark past an open bundle, and a window's lateness is
 * judged on the window, not on the element's timestamp. Only non-merging windows are supported (the
 * job's are fixed).
 */
public final class PreCombineSamplesFn
    extends DoFn<KV<String, SensorEvent>, KV<String, WindowSample>> {
  private final int dim;
  private final int capacity;

  /**
   * Rows a partial starts with: a bundle spread over thousands of machines gives each one or two
   * events, and a partial sized for 64 rows would allocate 1.6 KB for each.
   */
  static final int INITIAL_ROWS = 2;

  private transient Map<Slot, WindowSample> open;

  public PreCombineSamplesFn(int dim, int capacity) {
    this.dim = dim;
    this.capacity = capacity;
  }

  @StartBundle
  public void startBundle() {
    if (open == null) {
      open = new HashMap<>();
    }
  }

  @ProcessElement
  public void process(@Element KV<String, SensorEvent> e, BoundedWindow window) {
    open.computeIfAbsent(
            new Slot(e.getKey(), window), k -> new WindowSample(dim, capacity, INITIAL_ROWS))
        .add(e.getValue());
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (Map.Entry<Slot, WindowSample> en : open.entrySet()) {
      Slot slot = en.getKey();
      c.output(KV.of(slot.key, en.getValue()), slot.window.maxTimestamp(), slot.window);
    }
    open.clear();
  }

  /** A machine and one of its windows. */
  private record Slot(String key, BoundedWindow window) {}
}
