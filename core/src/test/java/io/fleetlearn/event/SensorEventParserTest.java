package io.fleetlearn.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SensorEventParserTest {
  /** 2026-11-27T10:00:00Z: 20784 days since the epoch * 86_400_000 + 10 h = 1_795_773_600_000. */
  private static final long REF = 1_795_773_600_000L;

  /** 2026-11-27T09:15:30.250Z = REF - 44 min 29.75 s = 1_795_773_600_000 - 2_669_750. */
  private static final long EVENT_MS = 1_795_770_930_250L;

  private static final String FEATURES =
      "\"features\":{\"temperature\":71.3,\"vibration\":0.82,\"pressure\":5.1,\"current\":12.4}";

  private final SensorEventParser parser =
      new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());

  private static String event(String timestampJson, String features, String extra) {
    return "{\"machineId\":\"press-017\",\"timestamp\":"
        + timestampJson
        + ","
        + features
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  private static String event(String extra) {
    return event("\"2026-11-27T09:15:30.250Z\"", FEATURES, extra);
  }

  private ParseResult parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), REF);
  }

  private SensorEvent accepted(String json) {
    ParseResult r = parse(json);
    assertTrue(r.isAccepted(), () -> "expected acceptance of " + json + " but " + r);
    return r.event();
  }

  private ParseResult rejected(String json, RejectReason reason) {
    ParseResult r = parse(json);
    assertFalse(r.isAccepted(), () -> "expected " + reason + " for " + json + " but " + r);
    assertEquals(reason, r.reason(), r::detail);
    assertFalse(r.detail().isBlank(), "a rejection explains itself");
    return r;
  }

  // --- Accepted events

  @Test
  void acceptsIsoTimestampWithMillisAndReadsEveryField() {
    SensorEvent e = accepted(event("\"defect\":false"));

    assertEquals("press-017", e.machineId());
    assertEquals(EVENT_MS, e.timestampMillis());
    assertArrayEquals(new float[] {71.3f, 0.82f, 5.1f, 12.4f}, e.features());
    assertEquals(0, e.label());
  }

  @Test
  void acceptsIsoTimestampWithOffsetAsTheSameInstant() {
    // 10:15:30.250+01:00 is 09:15:30.250Z.
    SensorEvent e = accepted(event("\"2026-11-27T10:15:30.250+01:00\"", FEATURES, ""));
    assertEquals(EVENT_MS, e.timestampMillis());
  }

  @Test
  void acceptsNegativeOffsetAsTheSameInstant() {
    // 04:15:30.250-05:00 is 09:15:30.250Z.
    SensorEvent e = accepted(event("\"2026-11-27T04:15:30.250-05:00\"", FEATURES, ""));
    assertEquals(EVENT_MS, e.timestampMillis());
  }

  @Test
  void acceptsEpochMillis() {
    SensorEvent e = accepted(event(Long.toString(EVENT_MS), FEATURES, ""));
    assertEquals(EVENT_MS, e.timestampMillis());
  }

  @Test
  void truncatesSubMillisecondIsoPrecision() {
    // .123456789 s -> 123 ms (Instant.toEpochMilli truncates): 09:15:30.123Z = EVENT_MS - 127.
    SensorEvent e = accepted(event("\"2026-11-27T09:15:30.123456789Z\"", FEATURES, ""));
    assertEquals(EVENT_MS - 127, e.timestampMillis());
  }

  @Test
  void missingDefectMeansUnlabelled() {
    SensorEvent e = accepted(event(""));
    assertEquals(SensorEvent.UNLABELLED, e.label());
    assertFalse(e.isLabelled());
  }

  @Test
  void nullDefectMeansUnlabelled() {
    SensorEvent e = accepted(event("\"defect\":null"));
    assertEquals(SensorEvent.UNLABELLED, e.label());
  }

  @ParameterizedTest(name = "defect {0} -> label {1}")
  @CsvSource({"true, 1", "false, 0", "1, 1", "0, 0"})
  void acceptsBooleanAndZeroOneLabels(String defect, byte label) {
    SensorEvent e = accepted(event("\"defect\":" + defect));
    assertEquals(label, e.label());
    assertTrue(e.isLabelled());
  }

  @Test
  void nullFeatureIsMissingValue() {
    SensorEvent e =
        accepted(
            event(
                "\"2026-11-27T09:15:30.250Z\"",
                "\"features\":{\"temperature\":71.3,\"vibration\":null,\"pressure\":5.1,"
                    + "\"current\":12.4}",
                ""));
    float[] f = e.features();
    assertTrue(Float.isNaN(f[1]), "vibration is NaN");
    assertEquals(71.3f, f[0]);
    assertEquals(5.1f, f[2]);
    assertEquals(12.4f, f[3]);
  }

  @Test
  void absentFeatureIsMissingValue() {
    SensorEvent e =
        accepted(
            event(
                "\"2026-11-27T09:15:30.250Z\"",
                "\"features\":{\"temperature\":71.3,\"current\":12.4}",
                ""));
    float[] f = e.features();
    assertEquals(71.3f, f[0]);
    assertTrue(Float.isNaN(f[1]) && Float.isNaN(f[2]), "vibration and pressure are NaN");
    assertEquals(12.4f, f[3]);
  }

  @Test
  void featuresLandInSchemaOrderWhateverTheJsonOrder() {
    SensorEvent e =
        accepted(
            event(
                "\"2026-11-27T09:15:30.250Z\"",
                "\"features\":{\"current\":4,\"pressure\":3,\"vibration\":2,\"temperature\":1}",
                ""));
    assertArrayEquals(new float[] {1, 2, 3, 4}, e.features());
  }

  @Test
  void integerAndExponentFeatureValuesAreNumbers() {
    SensorEvent e =
        accepted(
            event(
                "\"2026-11-27T09:15:30.250Z\"",
                "\"features\":{\"temperature\":70,\"vibration\":8.2E-1,\"pressure\":-5,"
                    + "\"current\":1.24e1}",
                ""));
    assertArrayEquals(new float[] {70f, 0.82f, -5f, 12.4f}, e.features());
  }

  @Test
  void largestFloatBelowTheLimitIsAccepted() {
    // 3.4028234e38 < Float.MAX_VALUE (3.4028234663852886e38): finite, and rounds to MAX_VALUE.
    SensorEvent e =
        accepted(
            event(
                "\"2026-11-27T09:15:30.250Z\"", "\"features\":{\"temperature\":3.4028234e38}", ""));
    assertEquals(Float.MAX_VALUE, e.features()[0]);
  }

  @Test
  void ignoresUnknownTopLevelFieldsOfAnyShape() {
    SensorEvent e =
        accepted(
            "{\"schemaVersion\":3,\"machineId\":\"press-017\",\"site\":{\"hall\":\"B\","
                + "\"line\":[1,2,{\"x\":null}]},\"timestamp\":\"2026-11-27T09:15:30.250Z\","
                + FEATURES
                + ",\"tags\":[\"a\",\"b\"],\"note\":\"\\u00e9\\n\",\"ok\":true,\"defect\":1}");
    assertEquals("press-017", e.machineId());
    assertEquals(EVENT_MS, e.timestampMillis());
    assertEquals(1, e.label());
  }

  @Test
  void acceptsMachineIdWithEveryAllowedCharacterClassAndMaximumLength() {
    assertEquals("Press_1.a:b-Z9", accepted(idEvent("Press_1.a:b-Z9")).machineId());
    String longest = "m".repeat(128);
    assertEquals(longest, accepted(idEvent(longest)).machineId());
  }

  @Test
  void acceptsTimestampsAtBothEndsOfThePlausibleRange() {
    // Lower bound: 2000-01-01T00:00:00Z = 946_684_800_000 ms, inclusive.
    assertEquals(
        946_684_800_000L,
        accepted(event("\"2000-01-01T00:00:00Z\"", FEATURES, "")).timestampMillis());
    assertEquals(946_684_800_000L, accepted(event("946684800000", FEATURES, "")).timestampMillis());
    // Upper bound: record time + 1 h = 11:00:00Z, inclusive.
    assertEquals(
        REF + 3_600_000L,
        accepted(event("\"2026-11-27T11:00:00Z\"", FEATURES, "")).timestampMillis());
  }

  @Test
  void negativeReferenceTimeUsesTheWallClock() {
    long now = System.currentTimeMillis();
    byte[] current = event(Long.toString(now), FEATURES, "").getBytes(StandardCharsets.UTF_8);
    byte[] twoHoursAhead =
        event(Long.toString(now + 7_200_000L), FEATURES, "").getBytes(StandardCharsets.UTF_8);

    assertTrue(parser.parse(current, -1).isAccepted());
    assertEquals(RejectReason.TIMESTAMP_OUT_OF_RANGE, parser.parse(twoHoursAhead, -1).reason());
    // The same event two hours ahead is fine against a record time two hours ahead.
    assertTrue(parser.parse(twoHoursAhead, now + 7_200_000L).isAccepted());
  }

  @Test
  void customSchemaAndLimitsAreHonoured() {
    SensorEventParser custom =
        new SensorEventParser(
            FeatureSchema.of("rpm", "torque"),
            new EventLimits(4096, 8, 4, 0, EventLimits.DEFAULT_MIN_TIMESTAMP_MILLIS));
    String ok =
        "{\"machineId\":\"lathe-1\",\"timestamp\":"
            + REF
            + ",\"features\":{\"torque\":2.5,\"rpm\":1200}}";
    SensorEvent e = custom.parse(ok.getBytes(StandardCharsets.UTF_8), REF).event();
    assertArrayEquals(new float[] {1200f, 2.5f}, e.features());

    String defaultFeature = ok.replace("\"rpm\"", "\"temperature\"");
    assertEquals(
        RejectReason.UNKNOWN_FEATURE,
        custom.parse(defaultFeature.getBytes(StandardCharsets.UTF_8), REF).reason());
    String nineCharId = ok.replace("lathe-1", "lathe-001");
    assertEquals(
        RejectReason.INVALID_MACHINE_ID,
        custom.parse(nineCharId.getBytes(StandardCharsets.UTF_8), REF).reason());
    // Zero future skew: one millisecond after the record time is already too late.
    String future = ok.replace(Long.toString(REF), Long.toString(REF + 1));
    assertEquals(
        RejectReason.TIMESTAMP_OUT_OF_RANGE,
        custom.parse(future.getBytes(StandardCharsets.UTF_8), REF).reason());
  }

  @Test
  void survivesJavaSerializationAsBeamDoesWithDoFnFields() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(parser);
    }
    SensorEventParser copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (SensorEventParser) in.readObject();
    }
    byte[] json = event("\"defect\":true").getBytes(StandardCharsets.UTF_8);
    assertEquals(parser.parse(json, REF).event(), copy.parse(json, REF).event());
    assertEquals(
        RejectReason.DUPLICATE_FIELD,
        copy.parse(event("\"defect\":1,\"defect\":0").getBytes(StandardCharsets.UTF_8), REF)
            .reason());
  }

  // --- One test per RejectReason the parser can produce

  @Test
  void rejectsNullValueAsTombstone() {
    ParseResult r = parser.parse(null, REF);
    assertEquals(RejectReason.TOMBSTONE, r.reason());
  }

  @Test
  void rejectsZeroBytesAsEmptyPayload() {
    assertEquals(RejectReason.EMPTY_PAYLOAD, parser.parse(new byte[0], REF).reason());
  }

  @Test
  void rejectsPayloadOneByteOverTheLimit() {
    SensorEventParser small =
        new SensorEventParser(
            FeatureSchema.defaults(),
            new EventLimits(200, 128, 16, 3_600_000L, EventLimits.DEFAULT_MIN_TIMESTAMP_MILLIS));
    String json = event("");
    String padded200 = json.substring(0, json.length() - 1) + " ".repeat(200 - json.length()) + "}";
    assertEquals(200, padded200.length());
    assertTrue(small.parse(padded200.getBytes(StandardCharsets.UTF_8), REF).isAccepted());

    ParseResult r = small.parse((padded200 + " ").getBytes(StandardCharsets.UTF_8), REF);
    assertEquals(RejectReason.PAYLOAD_TOO_LARGE, r.reason());
    assertEquals("201 bytes exceeds the limit of 200", r.detail());
  }

  @Test
  void rejectsInvalidUtf8InsideAString() {
    byte[] json = event("").getBytes(StandardCharsets.UTF_8);
    int at = new String(json, StandardCharsets.UTF_8).indexOf("press") + 2;
    json[at] = (byte) 0xFF;
    ParseResult r = parser.parse(json, REF);
    assertEquals(RejectReason.INVALID_UTF8, r.reason());
    assertTrue(r.detail().contains("0xff"), r.detail());
  }

  @Test
  void rejectsMalformedJson() {
    rejected("{\"machineId\":\"press-017\",", RejectReason.MALFORMED_JSON);
    rejected(event("").replace("71.3", "NaN"), RejectReason.MALFORMED_JSON);
    rejected(event("").replace("\"machineId\"", "machineId"), RejectReason.MALFORMED_JSON);
  }

  @Test
  void rejectsDuplicateKeysAnywhere() {
    rejected(event("\"machineId\":\"press-018\""), RejectReason.DUPLICATE_FIELD);
    rejected(
        event(
            "\"2026-11-27T09:15:30.250Z\"",
            "\"features\":{\"temperature\":1,\"temperature\":2}",
            ""),
        RejectReason.DUPLICATE_FIELD);
    ParseResult r =
        rejected(event("\"x\":{\"y\":[{\"k\":1,\"k\":1}]}"), RejectReason.DUPLICATE_FIELD);
    assertTrue(r.detail().contains("'k'"), r.detail());
  }

  @Test
  void rejectsNestingBeyondSixteenLevels() {
    // The event object is level 1; "x" adds 15 arrays -> depth 16: accepted. 16 arrays -> 17.
    accepted(event("\"x\":" + "[".repeat(15) + "]".repeat(15)));
    rejected(event("\"x\":" + "[".repeat(16) + "]".repeat(16)), RejectReason.TOO_DEEPLY_NESTED);
  }

  @Test
  void rejectsNonObjects() {
    rejected("[]", RejectReason.NOT_AN_OBJECT);
    rejected("\"press-017\"", RejectReason.NOT_AN_OBJECT);
    rejected("null", RejectReason.NOT_AN_OBJECT);
    rejected("17", RejectReason.NOT_AN_OBJECT);
  }

  @Test
  void rejectsASecondJsonValueAfterTheEvent() {
    rejected(event("") + event(""), RejectReason.TRAILING_CONTENT);
    rejected(event("") + " []", RejectReason.TRAILING_CONTENT);
    // Trailing whitespace is not content.
    accepted(event("") + " \r\n\t");
  }

  @Test
  void rejectsMissingMachineId() {
    rejected(
        "{\"timestamp\":\"2026-11-27T09:15:30.250Z\"," + FEATURES + "}",
        RejectReason.MISSING_MACHINE_ID);
  }

  @Test
  void rejectsInvalidMachineIds() {
    rejected(event("").replace("\"press-017\"", "17"), RejectReason.INVALID_MACHINE_ID);
    rejected(idEvent(""), RejectReason.INVALID_MACHINE_ID);
    ParseResult tooLong = rejected(idEvent("m".repeat(129)), RejectReason.INVALID_MACHINE_ID);
    assertEquals("machineId has 129 characters, more than 128", tooLong.detail());
    ParseResult space = rejected(idEvent("press 017"), RejectReason.INVALID_MACHINE_ID);
    assertEquals("machineId has a character outside [A-Za-z0-9._:-] (U+0020 at 5)", space.detail());
    rejected(idEvent("pr\\u00ebss"), RejectReason.INVALID_MACHINE_ID);
  }

  @Test
  void rejectsMissingTimestamp() {
    rejected("{\"machineId\":\"press-017\"," + FEATURES + "}", RejectReason.MISSING_TIMESTAMP);
  }

  @Test
  void rejectsTimestampsThatAreNotInstants() {
    rejected(event("true", FEATURES, ""), RejectReason.INVALID_TIMESTAMP);
    rejected(event("\"2026-11-27T09:15:30.250\"", FEATURES, ""), RejectReason.INVALID_TIMESTAMP);
    rejected(event("1.79577093025E12", FEATURES, ""), RejectReason.INVALID_TIMESTAMP);
    rejected(event("99999999999999999999", FEATURES, ""), RejectReason.INVALID_TIMESTAMP);
    ParseResult tooLong =
        rejected(event("\"" + "9".repeat(65) + "\"", FEATURES, ""), RejectReason.INVALID_TIMESTAMP);
    assertEquals("timestamp string is too long", tooLong.detail());
  }

  @Test
  void rejectsTimestampsOutsideThePlausibleRange() {
    rejected(
        event("\"1999-12-31T23:59:59.999Z\"", FEATURES, ""), RejectReason.TIMESTAMP_OUT_OF_RANGE);
    rejected(event("946684799999", FEATURES, ""), RejectReason.TIMESTAMP_OUT_OF_RANGE);
    rejected(event("-1", FEATURES, ""), RejectReason.TIMESTAMP_OUT_OF_RANGE);
    ParseResult late =
        rejected(
            event("\"2026-11-27T11:00:00.001Z\"", FEATURES, ""),
            RejectReason.TIMESTAMP_OUT_OF_RANGE);
    assertEquals(
        "timestamp 2026-11-27T11:00:00.001Z is more than 3600000 ms after the record time"
            + " 2026-11-27T10:00:00Z",
        late.detail());
  }

  @Test
  void rejectsMissingFeatures() {
    rejected(
        "{\"machineId\":\"press-017\",\"timestamp\":\"2026-11-27T09:15:30.250Z\"}",
        RejectReason.MISSING_FEATURES);
  }

  @Test
  void rejectsFeaturesThatAreNotAnObject() {
    rejected(
        event("\"2026-11-27T09:15:30.250Z\"", "\"features\":[1,2,3,4]", ""),
        RejectReason.INVALID_FEATURES);
    rejected(
        event("\"2026-11-27T09:15:30.250Z\"", "\"features\":\"1,2\"", ""),
        RejectReason.INVALID_FEATURES);
    rejected(
        event("\"2026-11-27T09:15:30.250Z\"", "\"features\":null", ""),
        RejectReason.INVALID_FEATURES);
  }

  @Test
  void rejectsNonNumericAndNonFiniteFeatureValues() {
    for (String bad : new String[] {"\"71.3\"", "true", "[1]", "{}", "1e999", "-1e999", "3.5e38"}) {
      ParseResult r =
          rejected(
              event("\"2026-11-27T09:15:30.250Z\"", "\"features\":{\"pressure\":" + bad + "}", ""),
              RejectReason.INVALID_FEATURE_VALUE);
      assertTrue(r.detail().contains("\"pressure\""), r.detail());
    }
  }

  @Test
  void rejectsUnknownFeatureNamingIt() {
    ParseResult r =
        rejected(
            event("\"2026-11-27T09:15:30.250Z\"", "\"features\":{\"humidity\":40}", ""),
            RejectReason.UNKNOWN_FEATURE);
    assertEquals(
        "feature \"humidity\" is not one of [temperature, vibration, pressure, current]",
        r.detail());
  }

  @Test
  void rejectsLabelsOtherThanBooleanOrZeroOne() {
    for (String bad : new String[] {"2", "-1", "1.0", "\"true\"", "\"1\"", "[]", "{}"}) {
      rejected(event("\"defect\":" + bad), RejectReason.INVALID_LABEL);
    }
  }

  @Test
  void unknownFeatureDetailMasksC0ControlCharacters() {
    ParseResult r =
        rejected(
            event("\"2026-11-27T09:15:30.250Z\"", "\"features\":{\"a\\u0001\\nb\":1}", ""),
            RejectReason.UNKNOWN_FEATURE);
    assertTrue(r.detail().startsWith("feature \"a??b\" is not one of"), r.detail());
  }

  @Test
  void detailsOfJacksonErrorsStayShort() {
    // Jackson quotes the unrecognized token: 5000 characters of it.
    ParseResult r =
        rejected("{\"machineId\":" + "x".repeat(5000) + "}", RejectReason.MALFORMED_JSON);
    assertTrue(r.detail().startsWith("Unrecognized token 'xxx"), r.detail());
    // describe() cuts at 300 characters, printable() at 120 (+ "...").
    assertTrue(r.detail().length() <= 123, r.detail().length() + ": " + r.detail());
  }

  @Test
  void rejectsInvalidEventLimits() {
    assertThrows(IllegalArgumentException.class, () -> new EventLimits(0, 128, 16, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new EventLimits(100, 0, 16, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new EventLimits(100, 128, 1, 0, 0));
  }

  @Test
  void parseResultAccessorsRefuseTheWrongSide() {
    ParseResult ok = parse(event(""));
    ParseResult bad = parse("[]");
    assertThrows(IllegalStateException.class, ok::reason);
    assertThrows(IllegalStateException.class, bad::event);
    assertEquals("", ok.detail());
  }

  private static String idEvent(String id) {
    return "{\"machineId\":\""
        + id
        + "\",\"timestamp\":\"2026-11-27T09:15:30.250Z\","
        + FEATURES
        + "}";
  }

  @Test
  void everyReasonButInternalErrorIsReachable() {
    // Guards the list above: if a reason is added, this test names it until it is covered here.
    EnumSet<RejectReason> seen = EnumSet.noneOf(RejectReason.class);
    String[] inputs = {
      null,
      "",
      "x".repeat(65537),
      "{\"a\":\"\u0000\"}",
      "{",
      event("\"defect\":1,\"defect\":1"),
      event("\"x\":" + "[".repeat(20) + "]".repeat(20)),
      "[]",
      event("") + "{}",
      "{}",
      idEvent(" "),
      "{\"machineId\":\"a\"," + FEATURES + "}",
      event("true", FEATURES, ""),
      event("-1", FEATURES, ""),
      "{\"machineId\":\"a\",\"timestamp\":" + REF + "}",
      event("\"2026-11-27T09:15:30.250Z\"", "\"features\":7", ""),
      event("\"2026-11-27T09:15:30.250Z\"", "\"features\":{\"current\":\"x\"}", ""),
      event("\"2026-11-27T09:15:30.250Z\"", "\"features\":{\"rpm\":1}", ""),
      event("\"defect\":7"),
    };
    for (String in : inputs) {
      ParseResult r =
          in == null
              ? parser.parse(null, REF)
              : parser.parse(in.getBytes(StandardCharsets.UTF_8), REF);
      seen.add(r.reason());
    }
    byte[] badUtf8 = event("").getBytes(StandardCharsets.UTF_8);
    badUtf8[15] = (byte) 0xC3;
    seen.add(parser.parse(badUtf8, REF).reason());

    EnumSet<RejectReason> unreached = EnumSet.complementOf(seen);
    assertEquals(EnumSet.of(RejectReason.INTERNAL_ERROR), unreached);
  }
}
