package io.fleetlearn.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link SensorEventParser#parseRecord}: one parse per record for two callers on one thread. */
class ParseRecordOnceTest {
  private static final long REF = 1_795_773_600_000L;
  private static final byte[] EVENT =
      ("{\"machineId\":\"press-001\",\"timestamp\":1795770930250,"
              + "\"features\":{\"temperature\":70.5,\"vibration\":0.8,\"pressure\":5.1,"
              + "\"current\":12.4},\"defect\":true}")
          .getBytes(StandardCharsets.UTF_8);

  private static SensorEventParser parser(FeatureSchema schema) {
    return new SensorEventParser(schema, EventLimits.defaults());
  }

  @Test
  void theSameRecordParsedByTwoEqualParsersIsParsedOnce() {
    ParseResult first = parser(FeatureSchema.defaults()).parseRecord(EVENT, REF);
    ParseResult second = parser(FeatureSchema.defaults()).parseRecord(EVENT, REF);
    assertTrue(first.isAccepted(), first.toString());
    assertSame(first, second);
  }

  @Test
  void anEqualCopyOrAnotherReferenceTimeIsParsedAgain() {
    SensorEventParser p = parser(FeatureSchema.defaults());
    ParseResult first = p.parseRecord(EVENT, REF);
    ParseResult copy = p.parseRecord(EVENT.clone(), REF);
    assertNotSame(first, copy);
    assertEquals(first.event(), copy.event());
    assertNotSame(copy, p.parseRecord(EVENT.clone(), REF + 1));
  }

  @Test
  void aParserWithOtherRulesNeverTakesAnotherParsersResult() {
    assertTrue(parser(FeatureSchema.defaults()).parseRecord(EVENT, REF).isAccepted());
    ParseResult strict =
        parser(FeatureSchema.of("temperature", "vibration")).parseRecord(EVENT, REF);
    assertFalse(strict.isAccepted());
    assertEquals(RejectReason.UNKNOWN_FEATURE, strict.reason());
  }
}
