package io.fleetlearn.batch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.WindowOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The batch pipeline on the direct runner, on the AI4I 2020 data keyed by product Type. */
public class TrainFromHistoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String NUMERIC =
      "Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min]";

  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  static String ai4i() throws Exception {
    return Path.of(TrainFromHistoryTest.class.getResource("/ai4i2020/ai4i2020.csv").toURI())
        .toString();
  }

  @Test
  public void trainsOneModelPerTypeOnAi4iAndComparesWithAGlobalModel() throws Exception {
    Path out = tmp.newFolder("out").toPath();
    BatchTrainingConfig config =
        BatchTrainingConfig.builder()
            .input(ai4i())
            .output(out.toString())
            .runId("test-run")
            .schema(
                TabularSchema.builder()
                    .entityColumns("Type")
                    .labelColumn("Machine failure")
                    .numericColumns(NUMERIC)
                    .build())
            .training(TrainingParams.defaults())
            .compareGlobal(true)
            .build();
    PCollectionTuple result = p.apply("TrainFromHistory", new TrainFromHistory(config));
    PAssert.that(result.get(TrainFromHistory.REJECTED)).empty();
    PAssert.that(result.get(TrainFromHistory.OUTCOMES))
        .satisfies(
            it -> {
              Map<String, WindowOutcome> byType = new HashMap<>();
              for (KV<String, WindowOutcome> kv : it) {
                byType.put(kv.getKey(), kv.getValue());
              }
              assertEquals(java.util.Set.of("L", "M", "H"), byType.keySet());
              assertEquals(6000, byType.get("L").sample().seen());
              assertEquals(2997, byType.get("M").sample().seen());
              assertEquals(1003, byType.get("H").sample().seen());
              assertEquals(235, byType.get("L").sample().positives());
              for (WindowOutcome o : byType.values()) {
                assertTrue(o.machineId() + ": " + o.result().reason(), o.result().isTrained());
              }
              return null;
            });
    p.run().waitUntilFinish();

    Path entities = out.resolve("entities");
    for (String type : new String[] {"L", "M", "H"}) {
      assertTrue(type + " model file", Files.size(entities.resolve(type + ".ubj")) > 1000);
      JsonNode m = JSON.readTree(entities.resolve(type + ".metadata.json").toFile());
      assertEquals("TRAINED", m.path("status").asText());
      assertEquals("test-run", m.path("runId").asText());
      assertEquals(type, m.path("entity").asText());
      assertEquals(5, m.path("features").size());
      assertEquals("Machine failure", m.path("label").path("column").asText());
      assertEquals(type + ".ubj", m.path("model").path("file").asText());
      assertEquals(50, m.path("params").path("num_round").asInt());
      System.out.println(type + " " + m.path("samples") + " " + m.path("metrics"));
    }
    JsonNode l = JSON.readTree(entities.resolve("L.metadata.json").toFile());
    JsonNode mm = JSON.readTree(entities.resolve("M.metadata.json").toFile());
    assertTrue("AUC of L: " + l.path("metrics"), l.path("metrics").path("auc").asDouble() > 0.8);
    assertTrue("AUC of M: " + mm.path("metrics"), mm.path("metrics").path("auc").asDouble() > 0.8);
    assertEquals(1200, l.path("samples").path("holdout").asInt());
    assertEquals(4800, l.path("samples").path("train").asInt());

    JsonNode g = JSON.readTree(out.resolve("global/comparison.json").toFile());
    System.out.println(g.toPrettyString());
    assertEquals("TRAINED", g.path("status").asText());
    assertTrue(Files.size(out.resolve("global/model.ubj")) > 1000);
    assertEquals(3, g.path("entities").size());
    assertEquals(
        10000 - g.path("samples").path("holdout").asInt(), g.path("samples").path("train").asInt());
    assertTrue(Files.exists(out.resolve("rejected/rows-00000-of-00001.jsonl")));
    assertFalse(Files.readString(out.resolve("rejected/rows-00000-of-00001.jsonl")).contains("{"));
  }

  /** 36 rows per plant (material decides the label), then one hand-written row per rule. */
  static String plantsCsv() {
    StringBuilder b = new StringBuilder("plant,line,material,temp,result,ts\r\n");
    String[] materials = {"steel", "aluminium", "\"copper, annealed\""};
    for (String plant : new String[] {"A", "B"}) {
      for (int i = 0; i < 36; i++) {
        b.append(plant)
            .append(",1,")
            .append(materials[i % 3])
            .append(',')
            .append(20 + i % 7)
            .append(',')
            .append(i % 3 == 0 ? "Defect" : "ok")
            .append(String.format(",2026-01-01T00:%02d:00Z\r\n", i));
      }
    }
    return b.append("A,1,steel,NA,defect,2026-01-02T00:00:00Z\r\n") // NaN temperature: used
        .append("A,1,aluminium,21,?,2026-01-02T00:01:00Z\r\n") // no label: unlabelled, used
        .append("A,2,steel,20,defect,2026-01-02T00:02:00Z\r\n") // line 2: filtered out
        .append("A,1,steel,20,broken,2026-01-02T00:03:00Z\r\n") // UNMAPPED_LABEL
        .append("B,1,steel,hot,defect,2026-01-02T00:04:00Z\r\n") // INVALID_NUMBER
        .append(",1,steel,20,defect,2026-01-02T00:05:00Z\r\n") // MISSING_ENTITY
        .append("B,1,steel,20,defect\r\n") // WRONG_FIELD_COUNT
        .append("B,1,steel,20,ok,last tuesday\r\n") // INVALID_TIME
        .append("B,1,\"steel\"x,20,ok,2026-01-02T00:06:00Z\r\n") // MALFORMED_RECORD
        .toString();
  }

  static BatchTrainingConfig plantsConfig(Path input, Path out) {
    return BatchTrainingConfig.builder()
        .input(input.toString())
        .output(out.toString())
        .runId("plants")
        .format(TabularFormat.of("auto", input.toString(), ",", "\"", ""))
        .schema(
            TabularSchema.builder()
                .entityColumns("plant,line")
                .labelColumn("result")
                .labels(LabelMapping.parse("defect=1,ok=0"))
                .numericColumns("temp")
                .categoricalColumns("material")
                .timeColumn("ts")
                .filter(RowFilter.parse("line=1"))
                .build())
        .training(TrainingParams.builder().minLabelledEvents(20).minPerClass(2).build())
        .build();
  }

  @Test
  public void categoricalColumnLabelMappingFilterAndInvalidRowsWorkOnAHandWrittenCsv()
      throws Exception {
    Path input = tmp.newFile("plants.csv").toPath();
    Files.writeString(input, plantsCsv());
    Path out = tmp.newFolder("plants-out").toPath();
    BatchTrainingConfig config = plantsConfig(input, out);
    PCollectionTuple result = p.apply("TrainFromHistory", new TrainFromHistory(config));
    PAssert.that(result.get(TrainFromHistory.REJECTED))
        .satisfies(
            it -> {
              Map<RowRejectReason, RejectedRow> byReason =
                  new java.util.EnumMap<>(RowRejectReason.class);
              for (RejectedRow r : it) {
                assertEquals("one row per reason: " + r, null, byReason.put(r.reason(), r));
              }
              assertEquals(
                  java.util.EnumSet.of(
                      RowRejectReason.UNMAPPED_LABEL,
                      RowRejectReason.INVALID_NUMBER,
                      RowRejectReason.MISSING_ENTITY,
                      RowRejectReason.WRONG_FIELD_COUNT,
                      RowRejectReason.INVALID_TIME,
                      RowRejectReason.MALFORMED_RECORD),
                  byReason.keySet());
              RejectedRow w = byReason.get(RowRejectReason.WRONG_FIELD_COUNT);
              assertEquals("B,1,steel,20,defect", w.raw());
              assertEquals(1 + 72 + 7, w.line());
              assertEquals(ParseHistoryFileFn.STAGE, w.stage());
              assertEquals(
                  EncodeRowsFn.STAGE, byReason.get(RowRejectReason.INVALID_NUMBER).stage());
              return null;
            });
    PAssert.that(result.get(TrainFromHistory.OUTCOMES))
        .satisfies(
            it -> {
              Map<String, WindowOutcome> byKey = new HashMap<>();
              it.forEach(kv -> byKey.put(kv.getKey(), kv.getValue()));
              assertEquals(java.util.Set.of("A:1", "B:1"), byKey.keySet());
              WindowOutcome a = byKey.get("A:1");
              assertEquals(38, a.sample().seen());
              assertEquals(37, a.sample().labelled());
              assertEquals(13, a.sample().positives());
              assertEquals(12, byKey.get("B:1").sample().positives());
              assertEquals(4, a.sample().dim());
              assertTrue(a.result().reason(), a.result().isTrained());
              return null;
            });
    org.apache.beam.sdk.PipelineResult run = p.run();
    run.waitUntilFinish();

    Map<String, Long> counts = BatchCounters.totals(run.metrics());
    assertEquals(Long.valueOf(72 + 9), counts.get(BatchCounters.ROWS_READ));
    assertEquals(Long.valueOf(1), counts.get(BatchCounters.ROWS_FILTERED_OUT));
    assertEquals(Long.valueOf(6), counts.get(BatchCounters.ROWS_REJECTED));
    assertEquals(Long.valueOf(74), counts.get(BatchCounters.ROWS_ENCODED));
    assertEquals(Long.valueOf(1), counts.get(BatchCounters.ROWS_UNLABELLED));
    assertEquals(Long.valueOf(1), counts.get(BatchCounters.REJECTED_PREFIX + "INVALID_TIME"));

    Path entities = out.resolve("entities");
    JsonNode a = JSON.readTree(entities.resolve(EntityModelFiles.metadataFile("A:1")).toFile());
    assertEquals("A:1", a.path("entity").asText());
    assertEquals(
        "[\"temp\",\"material=aluminium\",\"material=copper, annealed\",\"material=steel\"]",
        a.path("features").toString());
    assertEquals(
        "[\"aluminium\",\"copper, annealed\",\"steel\"]",
        a.path("encoding").path("categorical").get(0).path("categories").toString());
    assertEquals("{\"defect\":1,\"ok\":0}", a.path("label").path("mapping").toString());
    assertEquals("2026-01-01T00:00:00Z", a.path("time").path("start").asText());
    assertEquals("2026-01-02T00:01:00Z", a.path("time").path("end").asText());
    assertEquals(38, a.path("samples").path("rows").asInt());

    java.util.List<String> rejected =
        Files.readAllLines(out.resolve("rejected/rows-00000-of-00001.jsonl"));
    assertEquals(6, rejected.size());
    assertTrue(rejected.stream().anyMatch(l -> l.contains("\"reason\":\"MISSING_ENTITY\"")));

    try (EntityPredictor predictor = EntityPredictor.load(entities.toString(), "A:1")) {
      Map<String, String> row = new HashMap<>(Map.of("temp", "22", "material", "steel"));
      float steel = predictor.score(row);
      row.put("material", "aluminium");
      float aluminium = predictor.score(row);
      assertTrue("steel " + steel + " vs aluminium " + aluminium, steel > 0.5 && aluminium < 0.5);
      row.put("material", "titanium");
      float unseen = predictor.score(row);
      assertTrue(unseen > 0 && unseen < 1);
      assertArrayEquals(new float[] {22, 0, 0, 0}, predictor.encoder().encode(row), 0f);
    }
  }

  @Test
  public void jsonLinesAreReadLikeCsvAndBadLinesAreRejected() throws Exception {
    StringBuilder b = new StringBuilder();
    String[] materials = {"steel", "aluminium", "copper, annealed"};
    for (int i = 0; i < 36; i++) {
      b.append(
          String.format(
              "{\"plant\":\"A\",\"line\":1,\"material\":\"%s\",\"temp\":%d,\"result\":\"%s\","
                  + "\"ts\":\"2026-01-01T00:%02d:00Z\"}\n",
              materials[i % 3], 20 + i % 7, i % 3 == 0 ? "defect" : "ok", i));
    }
    b.append("{\"plant\":\"A\",\"line\":1,\"material\":\"steel\",\"temp\":null,")
        .append("\"result\":\"defect\",\"ts\":1767312000000}\n")
        .append("{\"plant\": \"A\", oops}\n")
        .append("[1,2,3]\n");
    Path input = tmp.newFile("plants.jsonl").toPath();
    Files.writeString(input, b.toString());
    BatchTrainingConfig config = plantsConfig(input, tmp.newFolder("jsonl-out").toPath());
    assertEquals(TabularFormat.Kind.JSONL, config.format().kind());
    PCollectionTuple result = p.apply("TrainFromHistory", new TrainFromHistory(config));
    PAssert.that(result.get(TrainFromHistory.REJECTED))
        .satisfies(
            it -> {
              java.util.List<Long> lines = new java.util.ArrayList<>();
              for (RejectedRow r : it) {
                assertEquals(RowRejectReason.MALFORMED_JSON, r.reason());
                lines.add(r.line());
              }
              lines.sort(null);
              assertEquals(java.util.List.of(38L, 39L), lines);
              return null;
            });
    PAssert.that(result.get(TrainFromHistory.OUTCOMES))
        .satisfies(
            it -> {
              WindowOutcome a = it.iterator().next().getValue();
              assertEquals("A:1", a.machineId());
              assertEquals(37, a.sample().seen());
              assertEquals(13, a.sample().positives());
              assertEquals(Instant.parse("2026-01-02T00:00:00Z").toEpochMilli(), a.windowEnd());
              assertTrue(a.result().reason(), a.result().isTrained());
              return null;
            });
    p.run().waitUntilFinish();
  }
}
