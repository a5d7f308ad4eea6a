package io.fleetlearn.sim;

/**
 * One event made by the {@link SensorSimulator}: the Kafka key and value bytes, and what the
 * simulator knows about them (which machine, event time, whether it is broken, the label).
 *
 * <p>The arrays are handed out as they are, without copies: the key array is shared by all records
 * of a machine, so neither may be modified.
 */
public final class SimulatedRecord {
  private final byte[] key;
  private final byte[] value;
  private final String machineId;
  private final int machineIndex;
  private final long eventTimeMillis;
  private final MalformedKind malformedKind;
  private final Boolean defect;

  SimulatedRecord(
      byte[] key,
      byte[] value,
      String machineId,
      int machineIndex,
      long eventTimeMillis,
      MalformedKind malformedKind,
      Boolean defect) {
    this.key = key;
    this.value = value;
    this.machineId = machineId;
    this.machineIndex = machineIndex;
    this.eventTimeMillis = eventTimeMillis;
    this.malformedKind = malformedKind;
    this.defect = defect;
  }

  /** The Kafka key: the machine id in UTF-8 (also for broken payloads). Do not modify. */
  public byte[] key() {
    return key;
  }

  /** The Kafka value: the JSON event, or the broken payload. Do not modify. */
  public byte[] value() {
    return value;
  }

  /** The id of the machine the event belongs to. */
  public String machineId() {
    return machineId;
  }

  /** The 0-based index of the machine the event belongs to. */
  public int machineIndex() {
    return machineIndex;
  }

  /** The event time in epoch millis (also the Kafka record timestamp the runner sets). */
  public long eventTimeMillis() {
    return eventTimeMillis;
  }

  /** Whether the payload breaks the contract on purpose. */
  public boolean malformed() {
    return malformedKind != null;
  }

  /** How the payload is broken, or null when it is well-formed. */
  public MalformedKind malformedKind() {
    return malformedKind;
  }

  /** The label written in the event, or null when the event carries none (or is malformed). */
  public Boolean defect() {
    return defect;
  }

  @Override
  public String toString() {
    return "SimulatedRecord{machineId="
        + machineId
        + ", eventTimeMillis="
        + eventTimeMillis
        + ", malformedKind="
        + malformedKind
        + ", defect="
        + defect
        + ", bytes="
        + value.length
        + '}';
  }
}
