package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingParamsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    TrainingParams p = TrainingParams.defaults();
    assertEquals(50, p.rounds());
    assertEquals(4, p.maxDepth());
    assertEquals(0.3, p.eta());
    assertEquals(50, p.minLabelledEvents());
    assertEquals(5, p.minPerClass());
    assertEquals(0.2, p.holdoutFraction());
    assertEquals(0.5, p.threshold());
  }

  @Test
  void boosterParamsPinOneThreadAndBinaryLogistic() {
    Map<String, Object> b = TrainingParams.defaults().boosterParams();
    assertEquals(1, b.get("nthread"));
    assertEquals("binary:logistic", b.get("objective"));
    assertEquals("hist", b.get("tree_method"));
    assertEquals(4, b.get("max_depth"));
    assertEquals(0.3, b.get("eta"));
    assertEquals(0L, b.get("seed"));
  }

  @Test
  void rejectsNthreadInExtraParams() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainingParams.builder().extraParams("max_bin=64,nthread=4").build());
    assertEquals("nthread is fixed at 1 per model", e.getMessage());
    // Whitespace around the key does not smuggle it through.
    assertThrows(
        IllegalArgumentException.class,
        () -> TrainingParams.builder().extraParams(" nthread =2").build());
  }

  @Test
  void parsesExtraParamsToIntegersDoublesOrStrings() {
    Map<String, Object> b =
        TrainingParams.builder()
            .extraParams(
                "max_bin=64, subsample=0.8 ,grow_policy=lossguide,scale_pos_weight=2.5,"
                    + "lambda=1e-3,,max_leaves=-1")
            .build()
            .boosterParams();
    assertEquals(Integer.valueOf(64), b.get("max_bin"));
    assertEquals(Double.valueOf(0.8), b.get("subsample"));
    assertEquals("lossguide", b.get("grow_policy"));
    assertEquals(Double.valueOf(2.5), b.get("scale_pos_weight"));
    assertEquals(Double.valueOf(0.001), b.get("lambda"));
    assertEquals(Integer.valueOf(-1), b.get("max_leaves"));
  }

  @Test
  void extraParamsMustBeKeyValuePairs() {
    assertThrows(
        IllegalArgumentException.class, () -> TrainingParams.builder().extraParams("max_bin"));
    assertThrows(IllegalArgumentException.class, () -> TrainingParams.builder().extraParams("=64"));
  }

  @Test
  void nullOrBlankExtraParamsAddNothing() {
    int base = TrainingParams.defaults().boosterParams().size();
    assertEquals(base, TrainingParams.builder().extraParams(null).build().boosterParams().size());
    assertEquals(base, TrainingParams.builder().extraParams(" , ").build().boosterParams().size());
  }

  @Test
  void describeAddsRoundsAndDropsVerbosity() {
    Map<String, Object> d = TrainingParams.builder().rounds(7).build().describe();
    assertEquals(7, d.get("num_round"));
    assertFalse(d.containsKey("verbosity"));
    assertTrue(TrainingParams.defaults().boosterParams().containsKey("verbosity"));
  }

  @Test
  void minimumLabelledEventsIsAtLeastTwicePerClass() {
    // max(10, 2 * 8) = 16
    assertEquals(
        16,
        TrainingParams.builder().minLabelledEvents(10).minPerClass(8).build().minLabelledEvents());
    assertEquals(
        80,
        TrainingParams.builder().minLabelledEvents(80).minPerClass(8).build().minLabelledEvents());
  }

  @Test
  void rejectsOutOfRangeSettings() {
    assertThrows(IllegalArgumentException.class, () -> TrainingParams.builder().rounds(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> TrainingParams.builder().maxDepth(0).build());
    assertThrows(IllegalArgumentException.class, () -> TrainingParams.builder().eta(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> TrainingParams.builder().minPerClass(1).build());
    for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> TrainingParams.builder().holdoutFraction(f).build(),
          "holdoutFraction " + f);
    }
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    TrainingParams p =
        TrainingParams.builder().rounds(9).eta(0.1).extraParams("max_bin=32").build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    TrainingParams copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (TrainingParams) in.readObject();
    }
    assertEquals(p.boosterParams(), copy.boosterParams());
    assertEquals(9, copy.rounds());
  }

  @Test
  void aModelWithoutAQualifyingThresholdIsSilentUnderAFloorOrAPrecisionTarget() {
    assertTrue(TrainingParams.defaults().silentWithoutThreshold(), "the default floor 0.7");
    TrainingParams noFloor = TrainingParams.builder().minAlertPrecision(0).build();
    assertFalse(noFloor.silentWithoutThreshold(), "f1 without a floor falls back");
    assertTrue(
        noFloor.toBuilder().thresholdObjective("precision").build().silentWithoutThreshold(),
        "a precision target");
    assertFalse(
        TrainingParams.builder().thresholdObjective("fixed").build().silentWithoutThreshold(),
        "fixed never chooses");
  }
}
