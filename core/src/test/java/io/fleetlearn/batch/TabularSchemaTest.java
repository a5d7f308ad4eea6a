package io.fleetlearn.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TabularSchemaTest {
  private static TabularSchema schema() {
    return TabularSchema.builder()
        .entityColumns("plant, line")
        .labelColumn("income")
        .labels(LabelMapping.parse(">50K=1,<=50K=0"))
        .numericColumns("age,hours")
        .categoricalColumns("workclass")
        .timeColumn("ts")
        .filter(RowFilter.parse("country=DE,FR"))
        .build();
  }

  /** Values in {@link TabularSchema#inputColumns()} order. */
  private static String[] row(TabularSchema s, Map<String, String> byColumn) {
    String[] v = new String[s.inputColumns().size()];
    byColumn.forEach((k, x) -> v[s.index(k)] = x);
    return v;
  }

  @Test
  void projectsEachNeededColumnOnceInAStableOrder() {
    assertEquals(
        List.of("plant", "line", "income", "ts", "age", "hours", "workclass", "country"),
        schema().inputColumns());
  }

  @Test
  void labelMappingMapsConfiguredValuesTrimmedAndCaseInsensitively() {
    LabelMapping m = LabelMapping.parse(">50K=1,<=50K=0");
    assertEquals(1, m.apply(" >50k "));
    assertEquals(0, m.apply("<=50K"));
    assertEquals(LabelMapping.UNMAPPED, m.apply(">50K."));
    LabelMapping other = LabelMapping.parse("defect=1,*=0");
    assertEquals(0, other.apply("anything"));
    assertEquals(1, other.apply("DEFECT"));
  }

  @Test
  void defaultLabelMappingReadsNumbersAndBooleans() {
    LabelMapping m = LabelMapping.defaults();
    assertEquals(1, m.apply("1"));
    assertEquals(0, m.apply("0.0"));
    assertEquals(1, m.apply("True"));
    assertEquals(LabelMapping.UNMAPPED, m.apply("2"));
  }

  @Test
  void malformedLabelMappingsAreRefused() {
    for (String bad : new String[] {"", "yes", "a=2", "a=1", "a=1,A=0", "=1,b=0"}) {
      assertThrows(IllegalArgumentException.class, () -> LabelMapping.parse(bad), bad);
    }
  }

  @Test
  void labelMissingMeansUnlabelledAndUnmappedRejectsTheRow() throws Exception {
    TabularSchema s = schema();
    assertEquals(1, s.labelOf(row(s, Map.of("income", ">50K"))));
    assertEquals(0, s.labelOf(row(s, Map.of("income", "<=50K"))));
    assertEquals(-1, s.labelOf(row(s, Map.of("income", " "))));
    assertEquals(-1, s.labelOf(row(s, Map.of("income", "?"))));
    RowRejectedException e =
        assertThrows(RowRejectedException.class, () -> s.labelOf(row(s, Map.of("income", "50K"))));
    assertEquals(RowRejectReason.UNMAPPED_LABEL, e.reason());
  }

  @Test
  void entityKeyJoinsItsColumnsAndNeedsAllOfThem() throws Exception {
    TabularSchema s = schema();
    assertEquals("P1:3", s.entityOf(row(s, Map.of("plant", " P1", "line", "3 "))));
    RowRejectedException e =
        assertThrows(RowRejectedException.class, () -> s.entityOf(row(s, Map.of("plant", "P1"))));
    assertEquals(RowRejectReason.MISSING_ENTITY, e.reason());
  }

  @Test
  void timeAcceptsEpochMillisAndIso8601AndRejectsTheRest() throws Exception {
    assertEquals(1_600_000_000_000L, TabularSchema.parseTime("1600000000000"));
    assertEquals(1_600_000_000_000L, TabularSchema.parseTime("2020-09-13T12:26:40Z"));
    assertEquals(1_600_000_000_000L, TabularSchema.parseTime("2020-09-13T14:26:40+02:00"));
    assertEquals(1_600_000_000_000L, TabularSchema.parseTime("2020-09-13 12:26:40"));
    assertEquals(1_600_000_000_123L, TabularSchema.parseTime("2020-09-13T12:26:40.123"));
    assertEquals(1_599_955_200_000L, TabularSchema.parseTime("2020-09-13"));
    for (String bad : new String[] {"13/09/2020", "yesterday", "1.6e12", "2020-13-01"}) {
      RowRejectedException e =
          assertThrows(RowRejectedException.class, () -> TabularSchema.parseTime(bad), bad);
      assertEquals(RowRejectReason.INVALID_TIME, e.reason());
    }
    TabularSchema s = schema();
    assertEquals(
        RowRejectReason.MISSING_TIME,
        assertThrows(RowRejectedException.class, () -> s.timeOf(row(s, Map.of()))).reason());
  }

  @Test
  void withoutATimeColumnEveryRowIsAtZero() throws Exception {
    TabularSchema s =
        TabularSchema.builder().entityColumns("id").labelColumn("y").numericColumns("x").build();
    assertEquals(0, s.timeOf(new String[s.inputColumns().size()]));
  }

  @Test
  void rowFilterKeepsOnlyListedValuesOfEveryCondition() {
    RowFilter f = RowFilter.parse("country=DE, FR ;shift=night");
    Map<String, String> r = new java.util.HashMap<>(Map.of("country", "FR", "shift", "night"));
    assertTrue(f.matches(r::get));
    r.put("country", "US");
    assertFalse(f.matches(r::get));
    r.put("country", " DE ");
    r.remove("shift");
    assertFalse(f.matches(r::get), "a missing filtered value drops the row");
    assertTrue(RowFilter.parse("").matches(c -> null));
    TabularSchema s = schema();
    assertTrue(s.keeps(row(s, Map.of("country", "DE"))));
    assertFalse(s.keeps(row(s, Map.of("country", "de"))), "values are case-sensitive");
  }

  @Test
  void malformedFiltersAreRefused() {
    for (String bad : new String[] {"country", "=DE", "country=", "a=1;a=2"}) {
      assertThrows(IllegalArgumentException.class, () -> RowFilter.parse(bad), bad);
    }
  }

  @Test
  void inconsistentSchemasAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TabularSchema.builder().entityColumns("id").labelColumn("y").build(),
        "no features");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TabularSchema.builder()
                .entityColumns("id")
                .labelColumn("y")
                .numericColumns("x,y")
                .build(),
        "label as feature");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TabularSchema.builder()
                .entityColumns("id")
                .labelColumn("y")
                .numericColumns("x")
                .categoricalColumns("x")
                .build(),
        "feature twice");
    assertThrows(
        IllegalArgumentException.class,
        () -> TabularSchema.builder().labelColumn("y").numericColumns("x").build(),
        "no entity");
  }

  @Test
  void missingValueTokensAreTrimmedAndCaseInsensitive() {
    MissingValues m = MissingValues.parse("NA,?");
    assertTrue(m.isMissing(null));
    assertTrue(m.isMissing("  "));
    assertTrue(m.isMissing(" na "));
    assertTrue(m.isMissing("?"));
    assertFalse(m.isMissing("NaN"));
    assertFalse(m.isMissing("0"));
  }
}
