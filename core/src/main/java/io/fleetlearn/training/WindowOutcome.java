package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSample;
import java.util.Objects;

/**
 * What training produced for one machine and one window pane: the window's sample (the registry
 * measures drift on it and scores the champion on its holdout rows) and the {@link TrainingResult}.
 * Emitted when the window closes; late panes re-emit it with the late events.
 */
public final class WindowOutcome {
  private final String machineId;
  private final long windowStart;
  private final long windowEnd;
  private final long paneIndex;
  private final boolean late;
  private final WindowSample sample;
  private final TrainingResult result;

  public WindowOutcome(
      String machineId,
      long windowStart,
      long windowEnd,
      long paneIndex,
      boolean late,
      WindowSample sample,
      TrainingResult result) {
    this.machineId = Objects.requireNonNull(machineId);
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.paneIndex = paneIndex;
    this.late = late;
    this.sample = Objects.requireNonNull(sample);
    this.result = Objects.requireNonNull(result);
  }

  public String machineId() {
    return machineId;
  }

  public long windowStart() {
    return windowStart;
  }

  /** Exclusive end of the window, in epoch millis. */
  public long windowEnd() {
    return windowEnd;
  }

  /** 0 for the on-time pane, then 1, 2, ... for panes fired by late events. */
  public long paneIndex() {
    return paneIndex;
  }

  public boolean isLate() {
    return late;
  }

  public WindowSample sample() {
    return sample;
  }

  public TrainingResult result() {
    return result;
  }

  /** The holdout rows of the sample as a matrix (empty for skipped windows). */
  public FeatureMatrix holdout() {
    return FeatureMatrix.gather(
        sample.featureArray(), sample.labelArray(), sample.dim(), result.holdoutIndex());
  }

  @Override
  public String toString() {
    return "WindowOutcome{"
        + machineId
        + " ["
        + windowStart
        + ","
        + windowEnd
        + ") pane "
        + paneIndex
        + " "
        + result.status()
        + "}";
  }
}
