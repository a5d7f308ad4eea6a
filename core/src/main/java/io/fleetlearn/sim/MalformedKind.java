package io.fleetlearn.sim;

/**
 * The ways the {@link SensorSimulator} breaks an event on purpose, so the pipeline's parser and
 * dead-letter path meet every kind of bad input a real fleet sends. Each kind breaks exactly one
 * rule of the sensor event contract (config/sensor-event.schema.json) or of JSON itself.
 */
public enum MalformedKind {
  /** A JSON document cut off before its end. */
  TRUNCATED_JSON,
  /** A text line that is not JSON at all (a CSV row). */
  NOT_JSON,
  /** {@code "features"} is a string instead of an object. */
  FEATURES_NOT_OBJECT,
  /** One feature value is a string ({@code "hot"}) instead of a number. */
  FEATURE_WRONG_TYPE,
  /** The {@code machineId} field is absent. */
  MISSING_MACHINE_ID,
  /** The {@code machineId} field is the empty string. */
  EMPTY_MACHINE_ID,
  /** The {@code machineId} field is a number instead of a string. */
  MACHINE_ID_NOT_STRING,
  /** The {@code timestamp} is a string that is no ISO-8601 instant. */
  GARBAGE_TIMESTAMP,
  /** One feature value is the bare token {@code NaN}, which JSON does not allow. */
  NAN_FEATURE,
  /** One feature value is {@code 1e999}: valid JSON, but it overflows to an infinite double. */
  INFINITE_FEATURE,
  /**
   * One feature is written under a name outside the configured feature set, and so the configured
   * one is missing. The schema alone accepts any feature name: rejecting it is the pipeline's rule.
   */
  UNKNOWN_FEATURE,
  /** {@code "defect"} is a string instead of a boolean. */
  DEFECT_NOT_BOOLEAN,
  /** The payload holds bytes that are not valid UTF-8 (inside the machine id). */
  INVALID_UTF8,
  /** A zero-length payload. */
  EMPTY_PAYLOAD
}
