package io.fleetlearn.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of {@link SensorEventParser#parse}: whatever the bytes, it returns (never
 * throws) either an event that satisfies the contract or a rejection with a reason and a safe
 * detail. Deterministic: the same seed gives the same inputs on every run.
 */
class SensorEventParserFuzzTest {
  private static final long SEED = 0x5EED_F1EE7L;
  private static final int CASES = 20_000;
  private static final long REF = HostileEventCorpusTest.REFERENCE_TIME;
  private static final Pattern MACHINE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private static final String[] SEEDS = {
    "{\"machineId\":\"press-017\",\"timestamp\":\"2026-11-27T09:15:30.250Z\",\"features\":"
        + "{\"temperature\":71.3,\"vibration\":0.82,\"pressure\":5.1,\"current\":12.4},"
        + "\"defect\":false}",
    "{\"machineId\":\"press-003\",\"timestamp\":1795770930250,\"features\":"
        + "{\"temperature\":64.08,\"vibration\":null,\"pressure\":4.72,\"current\":11.9}}",
    "{\"timestamp\":\"2026-11-27T10:15:30.250+01:00\",\"site\":{\"hall\":\"B\",\"line\":[1,2]},"
        + "\"machineId\":\"m:1.a_b\",\"features\":{\"current\":-1.5e1,\"temperature\":7E1},"
        + "\"defect\":1}",
    "{\"machineId\":\"x\",\"timestamp\":946684800000,\"features\":{\"pressure\":0},"
        + "\"defect\":null,\"tags\":[\"\\u00e9\",\"\\n\",true,null]}",
  };

  private static final String[] TOKENS = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "null",
    "true",
    "false",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "3.5e38",
    "-0",
    "1e-400",
    "99999999999999999999",
    "\"machineId\":",
    "\"timestamp\":",
    "\"features\":",
    "\"defect\":",
    "\"temperature\":",
    "\"humidity\":",
    "\\u0000",
    "\\ud800",
    "\\uDE00",
    "\u00e9",
    "\uD83D\uDE00",
    "\u009b",
    "\u2028",
    "\r\n",
    "/*",
    "'",
    "\"\":",
    "[[[[[[[[[[[[[[[[[[",
    "\"2026-11-27T09:15:30Z\"",
    "-292275055-05-16T16:47:04.192Z",
    "\"+999999999-12-31T23:59:59Z\"",
    "9223372036854775807"
  };

  private static final byte[] INTERESTING_BYTES = {
    0x00,
    0x01,
    0x1f,
    0x7f,
    (byte) 0x80,
    (byte) 0xBF,
    (byte) 0xC0,
    (byte) 0xC3,
    (byte) 0xED,
    (byte) 0xF4,
    (byte) 0xF5,
    (byte) 0xFE,
    (byte) 0xFF,
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    ':',
    '-',
    '.',
    'e',
    '0',
    '9',
    ' '
  };

  private final SensorEventParser parser =
      new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());

  @Test
  void mutatedEventsNeverThrowAndAlwaysYieldAValidEventOrAReason() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    Map<RejectReason, Integer> reasons = new EnumMap<>(RejectReason.class);
    int accepted = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input = SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
      int mutations = 1 + rnd.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        input = mutate(input, rnd);
      }
      ParseResult r = parseOrFail(i, input);
      if (r.isAccepted()) {
        accepted++;
        checkEvent(i, input, r.event());
      } else {
        RejectReason reason = r.reason();
        assertNotNull(reason);
        reasons.merge(reason, 1, Integer::sum);
        checkDetail(i, input, r.detail());
      }
      if (i % 16 == 0) {
        int c = i;
        assertEquals(
            r.toString(), parseOrFail(i, input).toString(), () -> "nondeterministic, case " + c);
      }
    }
    // The mutations must actually explore: both outcomes, and most kinds of refusal.
    assertTrue(accepted > CASES / 100, "accepted only " + accepted);
    assertTrue(accepted < CASES / 2, "accepted " + accepted + ": mutations too weak");
    assertTrue(reasons.size() >= 12, "reasons reached: " + reasons);
  }

  @Test
  void mutationStreamIsDeterministicForTheSeed() {
    SplittableRandom a = new SplittableRandom(SEED);
    SplittableRandom b = new SplittableRandom(SEED);
    byte[] x = SEEDS[0].getBytes(StandardCharsets.UTF_8);
    byte[] y = x.clone();
    for (int i = 0; i < 200; i++) {
      x = mutate(x, a);
      y = mutate(y, b);
    }
    assertTrue(Arrays.equals(x, y));
    assertFalse(Arrays.equals(x, SEEDS[0].getBytes(StandardCharsets.UTF_8)));
  }

  private ParseResult parseOrFail(int i, byte[] input) {
    try {
      ParseResult r = parser.parse(input, REF);
      assertNotNull(r, "case " + i);
      return r;
    } catch (Throwable t) {
      throw new AssertionError("case " + i + " threw on " + HexFormat.of().formatHex(input), t);
    }
  }

  private void checkEvent(int i, byte[] input, SensorEvent e) {
    Supplier<String> where =
        () -> "case " + i + " (" + new String(input, StandardCharsets.UTF_8) + "): " + e;
    assertTrue(MACHINE_ID.matcher(e.machineId()).matches(), where);
    assertTrue(
        e.timestampMillis() >= EventLimits.DEFAULT_MIN_TIMESTAMP_MILLIS
            && e.timestampMillis() <= REF + 3_600_000L,
        where);
    assertEquals(4, e.features().length, where);
    for (float f : e.features()) {
      assertFalse(Float.isInfinite(f), where);
    }
    assertTrue(e.label() >= -1 && e.label() <= 1, where);
    // An accepted event written back in canonical form parses to the same event.
    ParseResult again = parser.parse(canonicalJson(e).getBytes(StandardCharsets.UTF_8), REF);
    assertTrue(again.isAccepted(), () -> where.get() + " canonical form refused: " + again);
    assertEquals(e, again.event(), where);
  }

  private static void checkDetail(int i, byte[] input, String detail) {
    Supplier<String> where =
        () -> "case " + i + " (" + HexFormat.of().formatHex(input) + "): detail " + detail;
    assertNotNull(detail, where);
    assertFalse(detail.isBlank(), where);
    assertTrue(detail.length() <= 400, where);
    for (int k = 0; k < detail.length(); k++) {
      char c = detail.charAt(k);
      if (c < 0x20 || c == 0x7f) {
        fail(where.get() + " has control character U+" + Integer.toHexString(c));
      }
    }
  }

  private static String canonicalJson(SensorEvent e) {
    StringBuilder b = new StringBuilder("{\"machineId\":\"").append(e.machineId());
    b.append("\",\"timestamp\":").append(e.timestampMillis()).append(",\"features\":{");
    for (int j = 0; j < 4; j++) {
      float f = e.features()[j];
      b.append(j == 0 ? "" : ",").append('"').append(FeatureSchema.DEFAULT_FEATURES.get(j));
      // Double.toString of the widened float is exact, so the value survives the round trip.
      b.append("\":").append(Float.isNaN(f) ? "null" : Double.toString(f));
    }
    b.append('}');
    if (e.isLabelled()) {
      b.append(",\"defect\":").append(e.label() == 1);
    }
    return b.append('}').toString();
  }

  static byte[] mutate(byte[] in, SplittableRandom rnd) {
    int n = in.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 64);
    switch (rnd.nextInt(9)) {
      case 0: // flip one bit
        {
          if (n == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
          }
          byte[] c = in.clone();
          c[rnd.nextInt(n)] ^= (byte) (1 << rnd.nextInt(8));
          return c;
        }
      case 1: // overwrite one byte with a random byte
        {
          if (n == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
          }
          byte[] c = in.clone();
          c[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
          return c;
        }
      case 2: // insert 1-8 random bytes
        {
          int at = rnd.nextInt(n + 1);
          byte[] ins = new byte[1 + rnd.nextInt(8)];
          for (int k = 0; k < ins.length; k++) {
            ins[k] = (byte) rnd.nextInt(256);
          }
          out.write(in, 0, at);
          out.writeBytes(ins);
          out.write(in, at, n - at);
          return out.toByteArray();
        }
      case 3: // insert a JSON-ish token
        {
          int at = rnd.nextInt(n + 1);
          out.write(in, 0, at);
          out.writeBytes(TOKENS[rnd.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
          out.write(in, at, n - at);
          return out.toByteArray();
        }
      case 4: // delete a range
        {
          if (n == 0) {
            return in;
          }
          int from = rnd.nextInt(n);
          int len = 1 + rnd.nextInt(Math.min(16, n - from));
          out.write(in, 0, from);
          out.write(in, from + len, n - from - len);
          return out.toByteArray();
        }
      case 5: // truncate
        return Arrays.copyOf(in, n == 0 ? 0 : rnd.nextInt(n));
      case 6: // duplicate a slice somewhere
        {
          if (n == 0) {
            return in;
          }
          int from = rnd.nextInt(n);
          int len = 1 + rnd.nextInt(Math.min(40, n - from));
          int at = rnd.nextInt(n + 1);
          out.write(in, 0, at);
          out.write(in, from, len);
          out.write(in, at, n - at);
          return out.toByteArray();
        }
      case 7: // swap two non-overlapping slices
        {
          if (n < 4) {
            return in;
          }
          int a = rnd.nextInt(n / 2);
          int aLen = 1 + rnd.nextInt(Math.min(12, n / 2 - a));
          int b = n / 2 + rnd.nextInt(n - n / 2);
          int bLen = 1 + rnd.nextInt(Math.min(12, n - b));
          out.write(in, 0, a);
          out.write(in, b, bLen);
          out.write(in, a + aLen, b - a - aLen);
          out.write(in, a, aLen);
          out.write(in, b + bLen, n - b - bLen);
          return out.toByteArray();
        }
      default: // overwrite one byte with a structurally interesting byte
        {
          if (n == 0) {
            return new byte[] {INTERESTING_BYTES[rnd.nextInt(INTERESTING_BYTES.length)]};
          }
          byte[] c = in.clone();
          c[rnd.nextInt(n)] = INTERESTING_BYTES[rnd.nextInt(INTERESTING_BYTES.length)];
          return c;
        }
    }
  }
}
