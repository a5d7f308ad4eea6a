package io.fleetlearn.batch;

/**
 * Why a history row was not used for training. The names are stable: counters, the rejected-rows
 * file and the summary use them.
 */
public enum RowRejectReason {
  /** CSV syntax error: an unterminated quoted field or text after a closing quote. */
  MALFORMED_RECORD,
  /** A CSV record whose field count differs from the header's. */
  WRONG_FIELD_COUNT,
  /** A JSONL line that is not one JSON object. */
  MALFORMED_JSON,
  /** An entity key column is missing or blank. */
  MISSING_ENTITY,
  /** The label is present but matches no entry of the label mapping. */
  UNMAPPED_LABEL,
  /** A numeric feature is not a finite decimal number that fits a float. */
  INVALID_NUMBER,
  /** The time column is configured but the row has no time. */
  MISSING_TIME,
  /** The time column holds something that is neither epoch millis nor an ISO-8601 time. */
  INVALID_TIME
}
