package io.fleetlearn.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Parses and validates the bytes of one sensor event against the contract in {@code
 * config/sensor-event.schema.json}. It never throws: every input yields either an event or a {@link
 * RejectReason} with a precise detail. Jackson's streaming parser keeps it allocation-light: no
 * tree, no maps, features written straight into a {@code float[]} in schema order.
 *
 * <p>Rules beyond JSON well-formedness: duplicate keys are refused at every level; unknown
 * top-level fields are ignored (forward compatibility) but unknown feature names are refused (they
 * would otherwise be silently dropped from the model); a feature that is absent or {@code null} is
 * a missing value; a non-numeric, infinite or out-of-float-range feature is refused.
 */
public final class SensorEventParser implements Serializable {
  private static final long serialVersionUID = 1L;

  private final FeatureSchema schema;
  private final EventLimits limits;
  private transient @Nullable JsonFactory factory;

  public SensorEventParser(FeatureSchema schema, EventLimits limits) {
    this.schema = schema;
    this.limits = limits;
  }

  public FeatureSchema schema() {
    return schema;
  }

  /** The last record a thread parsed through {@link #parseRecord}, and its result. */
  private static final class LastParse {
    byte @Nullable [] value;
    long referenceTimeMillis;
    @Nullable SensorEventParser parser;
    @Nullable ParseResult result;
  }

  private static final ThreadLocal<LastParse> LAST_RECORD = ThreadLocal.withInitial(LastParse::new);

  /**
   * As {@link #parse}, for a Kafka record's value that is never modified: when this thread's
   * previous call parsed the very same array (same identity and reference time, a parser of the
   * same schema), its result is returned instead of parsing again. On the Flink runner the source's
   * event-time policy and the parse step run one after the other on the same thread for each
   * record, with the same array when object reuse is on: the record is parsed once, not twice.
   */
  public ParseResult parseRecord(byte @Nullable [] value, long referenceTimeMillis) {
    if (value == null || referenceTimeMillis < 0) {
      return parse(value, referenceTimeMillis);
    }
    LastParse last = LAST_RECORD.get();
    if (last.value == value
        && last.referenceTimeMillis == referenceTimeMillis
        && last.parser != null
        && last.result != null
        && sameRules(last.parser)) {
      return last.result;
    }
    ParseResult r = parse(value, referenceTimeMillis);
    last.value = value;
    last.referenceTimeMillis = referenceTimeMillis;
    last.parser = this;
    last.result = r;
    return r;
  }

  private boolean sameRules(SensorEventParser other) {
    return other == this || (schema.equals(other.schema) && limits.equals(other.limits));
  }

  /**
   * Parses {@code value}. {@code referenceTimeMillis} is the record's own timestamp (the upper
   * bound of plausible event times is this plus the allowed future skew); pass a negative value to
   * use the wall clock instead.
   */
  public ParseResult parse(byte @Nullable [] value, long referenceTimeMillis) {
    if (value == null) {
      return ParseResult.rejected(RejectReason.TOMBSTONE, "record value is null (a tombstone)");
    }
    if (value.length == 0) {
      return ParseResult.rejected(RejectReason.EMPTY_PAYLOAD, "record value is empty");
    }
    if (value.length > limits.maxEventBytes()) {
      return ParseResult.rejected(
          RejectReason.PAYLOAD_TOO_LARGE,
          value.length + " bytes exceeds the limit of " + limits.maxEventBytes());
    }
    int badByte = invalidUtf8At(value);
    if (badByte >= 0) {
      return ParseResult.rejected(
          RejectReason.INVALID_UTF8,
          badByte < 4 && value[badByte] == 0
              ? "NUL byte at " + badByte + ": UTF-16 or UTF-32, not UTF-8"
              : String.format(
                  "invalid UTF-8 byte 0x%02x at byte %d", value[badByte] & 0xFF, badByte));
    }
    try (JsonParser p = factory().createParser(value)) {
      return parseObject(
          p, referenceTimeMillis < 0 ? System.currentTimeMillis() : referenceTimeMillis);
    } catch (Reject r) {
      return ParseResult.rejected(r.reason, r.getMessage());
    } catch (StreamConstraintsException e) {
      String m = String.valueOf(e.getMessage());
      return ParseResult.rejected(
          m.contains("nesting depth")
              ? RejectReason.TOO_DEEPLY_NESTED
              : RejectReason.MALFORMED_JSON,
          describe(e));
    } catch (CharConversionException e) {
      return ParseResult.rejected(RejectReason.INVALID_UTF8, describe(e));
    } catch (JsonParseException e) {
      String m = String.valueOf(e.getOriginalMessage());
      if (m.startsWith("Duplicate field")) {
        return ParseResult.rejected(RejectReason.DUPLICATE_FIELD, describe(e));
      }
      if (m.contains("UTF-8") || m.contains("UTF8")) {
        return ParseResult.rejected(RejectReason.INVALID_UTF8, describe(e));
      }
      return ParseResult.rejected(RejectReason.MALFORMED_JSON, describe(e));
    } catch (IOException | RuntimeException e) {
      // The parser must never fail the pipeline: anything unexpected is still a dead letter.
      return ParseResult.rejected(
          RejectReason.MALFORMED_JSON, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private ParseResult parseObject(JsonParser p, long referenceTime) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new Reject(RejectReason.NOT_AN_OBJECT, "an event must be a JSON object");
    }
    String machineId = null;
    boolean hasTimestamp = false;
    long timestamp = 0;
    float[] features = null;
    byte label = SensorEvent.UNLABELLED;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "machineId":
          if (v != JsonToken.VALUE_STRING) {
            throw new Reject(RejectReason.INVALID_MACHINE_ID, "machineId must be a string");
          }
          machineId = p.getText();
          break;
        case "timestamp":
          timestamp = parseTimestamp(p, v);
          hasTimestamp = true;
          break;
        case "features":
          features = parseFeatures(p, v);
          break;
        case "defect":
          label = parseLabel(p, v);
          break;
        default:
          p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new Reject(RejectReason.MALFORMED_JSON, "unexpected " + t);
    }
    JsonToken after;
    try {
      after = p.nextToken();
    } catch (JsonParseException e) {
      throw new Reject(
          RejectReason.TRAILING_CONTENT, "content after the event object: " + describe(e));
    }
    if (after != null) {
      throw new Reject(RejectReason.TRAILING_CONTENT, "content after the event object");
    }
    validateMachineId(machineId);
    if (!hasTimestamp) {
      throw new Reject(RejectReason.MISSING_TIMESTAMP, "timestamp is missing");
    }
    if (timestamp < limits.minTimestampMillis()) {
      throw new Reject(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "timestamp "
              + Instant.ofEpochMilli(timestamp)
              + " is before "
              + Instant.ofEpochMilli(limits.minTimestampMillis()));
    }
    if (timestamp > referenceTime + limits.maxFutureSkewMillis()) {
      throw new Reject(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "timestamp "
              + Instant.ofEpochMilli(timestamp)
              + " is more than "
              + limits.maxFutureSkewMillis()
              + " ms after the record time "
              + Instant.ofEpochMilli(referenceTime));
    }
    if (features == null) {
      throw new Reject(RejectReason.MISSING_FEATURES, "features object is missing");
    }
    return ParseResult.accepted(new SensorEvent(machineId, timestamp, features, label));
  }

  private void validateMachineId(@Nullable String id) {
    if (id == null) {
      throw new Reject(RejectReason.MISSING_MACHINE_ID, "machineId is missing");
    }
    if (id.isEmpty()) {
      throw new Reject(RejectReason.INVALID_MACHINE_ID, "machineId is empty");
    }
    if (id.length() > limits.maxMachineIdLength()) {
      throw new Reject(
          RejectReason.INVALID_MACHINE_ID,
          "machineId has " + id.length() + " characters, more than " + limits.maxMachineIdLength());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == ':';
      if (!ok) {
        throw new Reject(
            RejectReason.INVALID_MACHINE_ID,
            String.format(
                "machineId has a character outside [A-Za-z0-9._:-] (U+%04X at %d)", (int) c, i));
      }
    }
  }

  private static long parseTimestamp(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() != JsonParser.NumberType.INT
          && p.getNumberType() != JsonParser.NumberType.LONG) {
        throw new Reject(RejectReason.INVALID_TIMESTAMP, "epoch-millis timestamp is out of range");
      }
      long ms = p.getLongValue();
      if (ms < 0) {
        throw new Reject(RejectReason.TIMESTAMP_OUT_OF_RANGE, "epoch-millis timestamp is negative");
      }
      return ms;
    }
    if (v == JsonToken.VALUE_STRING) {
      String s = p.getText();
      if (s.length() > 64) {
        throw new Reject(RejectReason.INVALID_TIMESTAMP, "timestamp string is too long");
      }
      Instant instant;
      try {
        instant = Instant.parse(s);
      } catch (DateTimeParseException e) {
        try {
          instant = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e2) {
          throw new Reject(
              RejectReason.INVALID_TIMESTAMP,
              "timestamp is neither an ISO-8601 instant nor epoch millis: \""
                  + printable(s)
                  + "\"");
        }
      }
      try {
        return instant.toEpochMilli();
      } catch (ArithmeticException e) {
        throw new Reject(
            RejectReason.TIMESTAMP_OUT_OF_RANGE,
            "timestamp " + printable(s) + " is beyond the range of epoch milliseconds");
      }
    }
    throw new Reject(
        RejectReason.INVALID_TIMESTAMP, "timestamp must be an ISO-8601 string or epoch millis");
  }

  private float[] parseFeatures(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      throw new Reject(RejectReason.INVALID_FEATURES, "features must be a JSON object");
    }
    float[] out = new float[schema.size()];
    Arrays.fill(out, Float.NaN);
    int fields = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      fields++;
      String name = p.currentName();
      int idx = schema.indexOf(name);
      JsonToken t = p.nextToken();
      if (idx < 0) {
        throw new Reject(
            RejectReason.UNKNOWN_FEATURE,
            "feature \"" + printable(name) + "\" is not one of " + schema.names());
      }
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new Reject(
            RejectReason.INVALID_FEATURE_VALUE, "feature \"" + name + "\" is not a number");
      }
      double d = p.getDoubleValue();
      float f = (float) d;
      if (!Double.isFinite(d) || Float.isInfinite(f)) {
        throw new Reject(
            RejectReason.INVALID_FEATURE_VALUE,
            "feature \"" + name + "\" is outside the finite float range");
      }
      out[idx] = f;
    }
    if (fields == 0) {
      throw new Reject(RejectReason.INVALID_FEATURES, "features object is empty");
    }
    return out;
  }

  private static byte parseLabel(JsonParser p, JsonToken v) throws IOException {
    switch (v) {
      case VALUE_TRUE:
        return 1;
      case VALUE_FALSE:
        return 0;
      case VALUE_NULL:
        return SensorEvent.UNLABELLED;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.INT) {
          int i = p.getIntValue();
          if (i == 0 || i == 1) {
            return (byte) i;
          }
        }
        throw new Reject(RejectReason.INVALID_LABEL, "defect must be true, false, 0 or 1");
      default:
        throw new Reject(RejectReason.INVALID_LABEL, "defect must be true, false, 0 or 1");
    }
  }

  private JsonFactory factory() {
    JsonFactory f = factory;
    if (f == null) {
      f =
          JsonFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              // Reasons go to the DLQ and logs: never echo payload content through locations.
              .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(limits.maxNestingDepth())
                      .maxNumberLength(400)
                      .maxStringLength(limits.maxEventBytes())
                      .build())
              .build();
      factory = f;
    }
    return f;
  }

  private static String describe(IOException e) {
    String m =
        e instanceof JsonParseException
            ? ((JsonParseException) e).getOriginalMessage()
            : e.getMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    if (e instanceof JsonParseException && ((JsonParseException) e).getLocation() != null) {
      m += " (at byte " + ((JsonParseException) e).getLocation().getByteOffset() + ")";
    }
    return printable(m.length() > 300 ? m.substring(0, 300) + "..." : m);
  }

  /**
   * Makes a detail safe to put in a header or a log line: no control characters, bounded length.
   */
  static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 120));
    for (int i = 0; i < s.length() && b.length() < 120; i++) {
      char c = s.charAt(i);
      boolean unsafe =
          Character.isISOControl(c) // C0, DEL and C1 (e.g. U+009B, the 8-bit CSI)
              || c == '\u2028'
              || c == '\u2029'
              || Character.getType(c) == Character.FORMAT; // bidi overrides, zero-width chars
      b.append(unsafe ? '?' : c);
    }
    if (s.length() > 120) {
      b.append("...");
    }
    return b.toString();
  }

  /**
   * Index of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong forms, no
   * surrogates, nothing above U+10FFFF), or of a NUL among the first four bytes (which makes
   * Jackson decode the payload as UTF-16 or UTF-32); -1 when the bytes are UTF-8.
   */
  static int invalidUtf8At(byte[] b) {
    int n = b.length;
    for (int i = 0; i < Math.min(4, n); i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    int i = 0;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int len;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
        hi = c == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
        hi = c == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be above U+10FFFF
      } else {
        return i; // continuation byte, C0/C1 (overlong) or F5..FF
      }
      if (i + len > n) {
        return i;
      }
      int c2 = b[i + 1] & 0xFF;
      if (c2 < lo || c2 > hi) {
        return i;
      }
      for (int k = 2; k < len; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += len;
    }
    return -1;
  }

  /** Control flow for refusals; no stack trace because refusals are ordinary data. */
  private static final class Reject extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final RejectReason reason;

    Reject(RejectReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }
}
