package io.fleetlearn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.TrainingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonSchemaCheck} is a real validator: a record that breaks a type, an enum, a pattern, a
 * bound or a format of its schema is rejected, as is one with an undocumented property, while the
 * schema's own example passes.
 */
class JsonSchemaCheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schema(String file) throws Exception {
    return JSON.readTree(Files.readAllBytes(Path.of("config", file)));
  }

  private static ObjectNode event() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            "{\"machineId\": \"press-017\", \"timestamp\": \"2026-11-27T10:15:30.250Z\","
                + " \"features\": {\"temperature\": 71.3, \"vibration\": 0.82, \"pressure\": null},"
                + " \"defect\": false}");
  }

  private static List<String> eventProblems(Consumer<ObjectNode> change) throws Exception {
    ObjectNode e = event();
    change.accept(e);
    return JsonSchemaCheck.problems(schema("sensor-event.schema.json"), e);
  }

  private static ObjectNode skippedUpdate() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            ModelUpdate.builder()
                .machineId("press-2")
                .status(ModelUpdate.Status.SKIPPED)
                .reason("single class")
                .window(0, 60_000)
                .features(FeatureSchema.defaults().names())
                .params(TrainingParams.defaults().describe())
                .build()
                .toJson());
  }

  @Test
  void acceptsValidRecordsAndTheSchemasOwnExamples() throws Exception {
    JsonNode s = schema("sensor-event.schema.json");
    assertFalse(s.path("examples").isEmpty());
    for (JsonNode example : s.path("examples")) {
      assertEquals(List.of(), JsonSchemaCheck.problems(s, example));
    }
    assertEquals(List.of(), eventProblems(e -> {}));
    assertEquals(
        List.of(), JsonSchemaCheck.problems(schema("model-update.schema.json"), skippedUpdate()));
  }

  @Test
  void rejectsWrongTypesEnumsPatternsBoundsAndFormats() throws Exception {
    assertRejected(eventProblems(e -> e.put("machineId", 17)), "machineId");
    assertRejected(eventProblems(e -> e.put("machineId", "press 017/a")), "machineId");
    assertRejected(eventProblems(e -> e.put("machineId", "")), "machineId");
    assertRejected(eventProblems(e -> e.put("defect", 2)), "defect");
    assertRejected(eventProblems(e -> e.put("defect", "yes")), "defect");
    assertRejected(eventProblems(e -> e.put("timestamp", "yesterday")), "timestamp");
    assertRejected(eventProblems(e -> e.put("timestamp", 12345)), "timestamp");
    assertRejected(
        eventProblems(e -> ((ObjectNode) e.get("features")).put("vibration", "high")), "vibration");
    assertRejected(eventProblems(e -> e.remove("features")), "features");

    JsonNode updateSchema = schema("model-update.schema.json");
    ObjectNode update = skippedUpdate();
    update.put("status", "PUBLISHED");
    assertRejected(JsonSchemaCheck.problems(updateSchema, update), "status");
    update = skippedUpdate();
    update.put("version", "42");
    assertRejected(JsonSchemaCheck.problems(updateSchema, update), "version");
    update = skippedUpdate();
    update.put("version", -1);
    assertRejected(JsonSchemaCheck.problems(updateSchema, update), "version");
  }

  @Test
  void rejectsPropertiesTheSchemaDoesNotDocument() throws Exception {
    List<String> problems = eventProblems(e -> e.put("humidity", 0.4));
    assertEquals(List.of("$.humidity is present but not documented"), problems);
  }

  private static void assertRejected(List<String> problems, String property) {
    assertFalse(problems.isEmpty(), "accepted a record with a wrong " + property);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(property)),
        "the problems do not name " + property + ": " + problems);
  }
}
