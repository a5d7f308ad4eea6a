package io.fleetlearn.dataset;

import static io.fleetlearn.dataset.WindowSampleTest.canonical;
import static io.fleetlearn.dataset.WindowSampleTest.event;
import static io.fleetlearn.dataset.WindowSampleTest.events;
import static io.fleetlearn.dataset.WindowSampleTest.sampleOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class WindowSampleCoderTest {
  private final WindowSampleCoder coder = WindowSampleCoder.of();

  private byte[] encode(WindowSample s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(s, out);
    return out.toByteArray();
  }

  private WindowSample decode(byte[] bytes) throws IOException {
    return coder.decode(new ByteArrayInputStream(bytes));
  }

  @Test
  void emptySampleRoundTripsWithItsSentinels() throws Exception {
    WindowSample empty = new WindowSample(4, 500);
    byte[] bytes = encode(empty);
    // 4-byte length prefix + 52-byte header (3 ints + 5 longs), no rows.
    assertEquals(56, bytes.length);

    WindowSample back = decode(bytes);
    assertEquals(empty, back);
    assertEquals(4, back.dim());
    assertEquals(500, back.capacity());
    assertEquals(0, back.size());
    assertEquals(Long.MAX_VALUE, back.minTimestamp());
    assertEquals(Long.MIN_VALUE, back.maxTimestamp());
    CoderProperties.coderDecodeEncodeEqual(coder, empty);
  }

  @Test
  void partialSampleRoundTripsWithNaNFeaturesAndUnlabelledRows() throws Exception {
    WindowSample s = sampleOf(events(12), 100); // event 0 and 11 carry a NaN feature
    byte[] bytes = encode(s);
    // 4 + 52 + 12 rows * (8 priority + 1 label + 4 * 4 features) = 56 + 12 * 25 = 356.
    assertEquals(356, bytes.length);

    WindowSample back = decode(bytes);
    assertEquals(s, back);
    assertEquals(canonical(s), canonical(back));
    assertTrue(canonical(back).contains("NaN"));
    assertTrue(canonical(back).contains("|-1|"));
    CoderProperties.coderDecodeEncodeEqual(coder, s);
  }

  @Test
  void fullSampleAfterEvictionsRoundTrips() throws Exception {
    WindowSample s = sampleOf(events(5000), 64);
    assertEquals(64, s.size());
    WindowSample back = decode(encode(s));
    assertEquals(s, back);
    assertEquals(5000, back.seen());
    assertEquals(canonical(s), canonical(back));
    CoderProperties.coderDecodeEncodeEqual(coder, s);
  }

  @Test
  void decodedSampleKeepsSamplingExactlyLikeTheOriginal() throws Exception {
    for (int start : new int[] {0, 5, 80}) {
      WindowSample original = sampleOf(events(start), 80);
      WindowSample decoded = decode(encode(original));
      // The decoder sizes arrays to the rows present; further adds must grow them correctly.
      for (int i = start; i < start + 700; i++) {
        original.add(event(i));
        decoded.add(event(i));
      }
      assertEquals(canonical(original), canonical(decoded), "starting from " + start + " rows");
    }
  }

  @Test
  void samplesEncodedBackToBackDecodeInTurn() throws Exception {
    WindowSample a = sampleOf(events(30), 10);
    WindowSample b = new WindowSample(4, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(a, out);
    coder.encode(b, out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    assertEquals(a, coder.decode(in));
    assertEquals(b, coder.decode(in));
    assertEquals(0, in.available());
  }

  @Test
  void isDeterministicAndRegisteredByTheCombineFn() throws Exception {
    coder.verifyDeterministic();
    CollectTrainingSetCombineFn fn = new CollectTrainingSetCombineFn(4, 10);
    Coder<WindowSample> acc =
        fn.getAccumulatorCoder(null, CollectTrainingSetCombineFn.inputCoder());
    assertEquals(coder, acc);
    assertArrayEquals(encode(sampleOf(events(20), 10)), encode(sampleOf(events(20), 10)));
  }

  // --- Corrupt input

  @Test
  void rejectsEmptyStream() {
    assertThrows(EOFException.class, () -> decode(new byte[0]));
  }

  @Test
  void rejectsLengthPrefixShorterThanTheHeader() {
    byte[] bytes = ByteBuffer.allocate(4 + 51).putInt(51).array();
    IOException e = assertThrows(IOException.class, () -> decode(bytes));
    assertEquals("corrupt WindowSample: 51 bytes", e.getMessage());
  }

  @Test
  void rejectsNegativeLengthPrefix() {
    byte[] bytes = ByteBuffer.allocate(8).putInt(-1).array();
    assertThrows(IOException.class, () -> decode(bytes));
  }

  @Test
  void rejectsTruncatedBody() throws Exception {
    byte[] bytes = encode(sampleOf(events(12), 100));
    assertThrows(EOFException.class, () -> decode(Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrows(EOFException.class, () -> decode(Arrays.copyOf(bytes, 30)));
  }

  @Test
  void rejectsImpossibleHeaders() throws Exception {
    byte[] good = encode(sampleOf(events(12), 100));
    // Offsets after the 4-byte length: dim at 4, capacity at 8, rows at 12.
    assertCorrupt(withInt(good, 4, 0), "dim 0");
    assertCorrupt(withInt(good, 4, 5), "dim 5 does not match the length");
    assertCorrupt(withInt(good, 4, 1 << 13), "dim above 4096");
    assertCorrupt(withInt(good, 8, 0), "capacity 0");
    assertCorrupt(withInt(good, 8, 11), "12 rows > capacity 11");
    assertCorrupt(withInt(good, 8, (1 << 22) + 1), "capacity above 2^22");
    assertCorrupt(withInt(good, 12, -1), "negative rows");
    assertCorrupt(withInt(good, 12, 13), "13 rows do not fit the length");
    // A length that promises one byte more than the rows need (and delivers it).
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertCorrupt(withInt(longer, 0, good.length - 4 + 1), "trailing byte inside the block");
  }

  private void assertCorrupt(byte[] bytes, String what) {
    IOException e = assertThrows(IOException.class, () -> decode(bytes), what);
    assertEquals("corrupt WindowSample header", e.getMessage(), what);
  }

  private static byte[] withInt(byte[] bytes, int offset, int value) {
    byte[] c = bytes.clone();
    ByteBuffer.wrap(c).putInt(offset, value);
    return c;
  }
}
