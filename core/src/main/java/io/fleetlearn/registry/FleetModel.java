package io.fleetlearn.registry;

/**
 * The fleet model: one model per window trained on a uniform sample of every machine's events, kept
 * by the registry like a machine's champion under the reserved key {@link #ID}. It scores the
 * machines that have no champion of their own yet. Its records travel on {@code model-updates} like
 * any machine's, under key {@link #ID}, which no real machine can have: machine ids never contain
 * {@code @} (the sensor-event parser refuses them).
 */
public final class FleetModel {
  /** The registry key and Kafka record key of the fleet model. */
  public static final String ID = "@fleet";

  private FleetModel() {}

  public static boolean isFleet(String machineId) {
    return ID.equals(machineId);
  }
}
