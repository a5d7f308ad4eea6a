package io.fleetlearn.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class TabularEncoderTest {
  private static final float NAN = Float.NaN;

  private static TabularEncoder encoder() {
    return TabularEncoder.of(
        List.of("temp", "load"),
        Map.of("material", List.of("aluminium", "steel"), "shift", List.of("day", "night")),
        List.of("material", "shift"),
        MissingValues.defaults());
  }

  private static Map<String, String> row(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void numericColumnsComeFirstThenOneOneHotFeaturePerCategory() throws Exception {
    TabularEncoder e = encoder();
    assertEquals(
        List.of("temp", "load", "material=aluminium", "material=steel", "shift=day", "shift=night"),
        e.featureNames());
    assertArrayEquals(
        new float[] {20.5f, 3f, 0, 1, 0, 1},
        e.encode(row("temp", " 20.5 ", "load", "3", "material", "steel", "shift", "night")));
  }

  @Test
  void anUnseenCategoryEncodesAsAllZerosOfItsColumn() throws Exception {
    assertArrayEquals(
        new float[] {1, 2, 0, 0, 1, 0},
        encoder().encode(row("temp", "1", "load", "2", "material", "titanium", "shift", "day")));
  }

  @Test
  void missingValuesEncodeAsNaN() throws Exception {
    float[] f = encoder().encode(row("temp", "NA", "load", "", "material", "?", "shift", "day"));
    assertArrayEquals(new float[] {NAN, NAN, NAN, NAN, 1, 0}, f);
    // An absent column is missing too.
    assertArrayEquals(new float[] {NAN, NAN, NAN, NAN, NAN, NAN}, encoder().encode(row()));
  }

  @Test
  void numbersAreDecimalAndFiniteOrTheRowIsRejected() throws Exception {
    for (String ok : new String[] {"-1.5e3", ".5", "+2.", "7", "1E-3"}) {
      TabularEncoder.parseNumber("x", ok);
    }
    for (String bad : new String[] {"abc", "1e39", "Infinity", "0x1p3", "1.5f", "1,5", "1 000"}) {
      RowRejectedException e =
          assertThrows(RowRejectedException.class, () -> TabularEncoder.parseNumber("x", bad));
      assertEquals(RowRejectReason.INVALID_NUMBER, e.reason());
      assertTrue(e.detail().contains(bad), e.detail());
    }
  }

  @Test
  void jsonRoundTripRebuildsTheSameEncoder() throws Exception {
    TabularEncoder e = encoder();
    TabularEncoder back = TabularEncoder.fromJson(e.toJson());
    assertEquals(e, back);
    assertEquals(e.featureNames(), back.featureNames());
    Map<String, String> r = row("temp", "1", "load", "x1", "material", "steel", "shift", "?");
    assertThrows(RowRejectedException.class, () -> back.encode(r));
    r.put("load", "2");
    assertArrayEquals(e.encode(r), back.encode(r));
    assertEquals(
        TabularEncoder.RULE_UNSEEN_CATEGORY,
        e.toJson().path("rules").path("unseenCategory").asText());
  }

  @Test
  void metadataWhoseFeatureListDisagreesWithItsColumnsIsRefused() {
    var json = encoder().toJson();
    ((com.fasterxml.jackson.databind.node.ArrayNode) json.get("features")).remove(0);
    assertThrows(IllegalArgumentException.class, () -> TabularEncoder.fromJson(json));
  }

  @Test
  void coderRoundTripsAndIsDeterministic() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(TabularEncoderCoder.of(), encoder());
    CoderProperties.coderDeterministic(TabularEncoderCoder.of(), encoder(), encoder());
  }

  @Test
  void anEncoderWithoutAnyFeatureIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TabularEncoder.of(List.of(), Map.of(), List.of("material"), MissingValues.defaults()));
  }

  @Test
  void vocabularyKeepsTheMostFrequentValuesSortedByValue() {
    Map<String, Map<String, Long>> counts =
        Map.of("c", Map.of("rare", 1L, "b", 5L, "a", 5L, "z", 9L));
    assertEquals(Map.of("c", List.of("a", "b", "z")), LearnEncodingCombineFn.vocabulary(counts, 3));
  }
}
