package io.fleetlearn.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Pins config/sensor-event.schema.json to the contract the simulator writes. */
class SensorEventSchemaTest {
  private static final JsonNode SCHEMA = SensorEventContract.readSchema();

  @Test
  void isADraft202012ObjectSchemaRequiringTheEventFields() {
    assertEquals("https://json-schema.org/draft/2020-12/schema", SCHEMA.get("$schema").asText());
    assertEquals("object", SCHEMA.get("type").asText());
    assertEquals(List.of("machineId", "timestamp", "features"), texts(SCHEMA.get("required")));
    assertTrue(SCHEMA.hasNonNull("title") && SCHEMA.hasNonNull("description"));
  }

  @Test
  void boundsMachineIdsToSafeCharacters() {
    JsonNode id = SCHEMA.at("/properties/machineId");
    assertEquals("string", id.get("type").asText());
    assertEquals(1, id.get("minLength").asInt());
    assertEquals(128, id.get("maxLength").asInt());
    Pattern pattern = Pattern.compile(id.get("pattern").asText());
    SimulatorConfig config = SimulatorConfig.builder().machines(1000).build();
    assertTrue(pattern.matcher(config.machineId(999)).matches());
    for (String bad : new String[] {"", "press 017", "press/017", "préss-017", "a\"b"}) {
      assertTrue(!pattern.matcher(bad).matches(), bad);
    }
  }

  @Test
  void acceptsIsoInstantsAndEpochMillisFrom2000() {
    JsonNode choices = SCHEMA.at("/properties/timestamp/oneOf");
    assertEquals("string", choices.get(0).get("type").asText());
    assertEquals("date-time", choices.get(0).get("format").asText());
    assertEquals("integer", choices.get(1).get("type").asText());
    assertEquals(
        Instant.parse("2000-01-01T00:00:00Z").toEpochMilli(),
        choices.get(1).get("minimum").asLong());
  }

  @Test
  void allowsNumbersOrNullsUnderAnyFeatureNameAndNamesTheDefaults() {
    JsonNode features = SCHEMA.at("/properties/features");
    assertEquals("object", features.get("type").asText());
    assertEquals(List.of("number", "null"), texts(features.at("/additionalProperties/type")));
    for (String name : SimulatorConfig.DEFAULT_FEATURES) {
      assertTrue(features.get("description").asText().contains(name), name);
    }
  }

  @Test
  void takesBooleansOrZeroAndOneAsTheDefectLabel() {
    JsonNode choices = SCHEMA.at("/properties/defect/oneOf");
    assertEquals("boolean", choices.get(0).get("type").asText());
    assertEquals("integer", choices.get(1).get("type").asText());
    assertEquals(List.of("0", "1"), texts(choices.get(1).get("enum")));
    assertTrue(!SCHEMA.get("required").toString().contains("defect"), "defect is optional");
  }

  @Test
  void itsExamplesAreValidEvents() throws Exception {
    SensorEventContract contract = new SensorEventContract(SimulatorConfig.DEFAULT_FEATURES);
    JsonNode examples = SCHEMA.get("examples");
    assertEquals(2, examples.size());
    for (JsonNode example : examples) {
      assertNull(contract.violation(SensorEventContract.MAPPER.writeValueAsBytes(example)));
    }
    SensorEventContract.Event first =
        contract.read(SensorEventContract.MAPPER.writeValueAsBytes(examples.get(0)));
    assertEquals(Instant.parse("2026-11-27T10:15:30.250Z").toEpochMilli(), first.timestampMillis);
    assertEquals(first.timestampMillis, SCHEMA.at("/properties/timestamp/examples/1").asLong());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
