package io.fleetlearn.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated sensor reading of one machine: its event time, one float per feature of the
 * deployment's {@link FeatureSchema} ({@code NaN} where the reading had no value) and the optional
 * defect label.
 */
public final class SensorEvent {
  /** Label value of an event that carries no defect label. */
  public static final byte UNLABELLED = -1;

  private final String machineId;
  private final long timestampMillis;
  private final float[] features;
  private final byte label;

  public SensorEvent(String machineId, long timestampMillis, float[] features, byte label) {
    if (label < UNLABELLED || label > 1) {
      throw new IllegalArgumentException("label must be -1, 0 or 1: " + label);
    }
    this.machineId = Objects.requireNonNull(machineId);
    this.timestampMillis = timestampMillis;
    this.features = Objects.requireNonNull(features);
    this.label = label;
  }

  public String machineId() {
    return machineId;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  /** The feature values in schema order; shared, not copied: callers must not modify it. */
  public float[] features() {
    return features;
  }

  /** 1 for a defect, 0 for none, {@link #UNLABELLED} when the event carries no label. */
  public byte label() {
    return label;
  }

  public boolean isLabelled() {
    return label != UNLABELLED;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SensorEvent)) {
      return false;
    }
    SensorEvent e = (SensorEvent) o;
    return timestampMillis == e.timestampMillis
        && label == e.label
        && machineId.equals(e.machineId)
        && Arrays.equals(features, e.features);
  }

  @Override
  public int hashCode() {
    return Objects.hash(machineId, timestampMillis, label) * 31 + Arrays.hashCode(features);
  }

  @Override
  public String toString() {
    return "SensorEvent{"
        + machineId
        + " @"
        + timestampMillis
        + " "
        + Arrays.toString(features)
        + " label="
        + label
        + "}";
  }
}
