package io.fleetlearn.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A strict reader of the sensor event contract for tests: it takes the machine id rule and the
 * earliest epoch millis from config/sensor-event.schema.json, so the simulator and the schema
 * cannot drift apart unnoticed, and adds the pipeline's rule that feature names come from the
 * configured set.
 */
public final class SensorEventContract {
  public static final Path SCHEMA = Path.of("config", "sensor-event.schema.json");

  // Jackson's defaults already refuse NaN tokens and bad UTF-8; trailing content is refused too.
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Pattern machineId;
  private final int maxMachineIdLength;
  private final long minEpochMillis;
  private final List<String> features;

  public SensorEventContract(List<String> features) {
    JsonNode schema = readSchema();
    JsonNode id = schema.at("/properties/machineId");
    this.machineId = Pattern.compile(id.get("pattern").asText());
    this.maxMachineIdLength = id.get("maxLength").asInt();
    this.minEpochMillis = schema.at("/properties/timestamp/oneOf/1/minimum").asLong();
    this.features = features;
  }

  public static JsonNode readSchema() {
    try {
      return MAPPER.readTree(Files.readAllBytes(SCHEMA));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid event, read. */
  public static final class Event {
    public final String machineId;
    public final long timestampMillis;
    public final boolean isoTimestamp;
    public final double[] features;
    public final Boolean defect;

    Event(
        String machineId,
        long timestampMillis,
        boolean isoTimestamp,
        double[] features,
        Boolean defect) {
      this.machineId = machineId;
      this.timestampMillis = timestampMillis;
      this.isoTimestamp = isoTimestamp;
      this.features = features;
      this.defect = defect;
    }
  }

  /** Reads a payload, or throws {@link IllegalArgumentException} with the broken rule. */
  public Event read(byte[] payload) {
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode id = root.get("machineId");
    if (id == null || !id.isTextual()) {
      throw new IllegalArgumentException("machineId missing or not a string");
    }
    String machine = id.asText();
    if (machine.length() > maxMachineIdLength || !machineId.matcher(machine).matches()) {
      throw new IllegalArgumentException("machineId breaks the pattern: " + machine);
    }
    JsonNode ts = root.get("timestamp");
    long millis;
    boolean iso;
    if (ts != null && ts.isTextual()) {
      try {
        millis = Instant.parse(ts.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("timestamp is no ISO-8601 instant: " + ts, e);
      }
      iso = true;
    } else if (ts != null && ts.isIntegralNumber() && ts.canConvertToLong()) {
      millis = ts.asLong();
      if (millis < minEpochMillis) {
        throw new IllegalArgumentException("timestamp before " + minEpochMillis + ": " + millis);
      }
      iso = false;
    } else {
      throw new IllegalArgumentException("timestamp missing or of the wrong type");
    }
    JsonNode f = root.get("features");
    if (f == null || !f.isObject()) {
      throw new IllegalArgumentException("features missing or not an object");
    }
    double[] values = new double[features.size()];
    Arrays.fill(values, Double.NaN);
    for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int index = features.indexOf(e.getKey());
      if (index < 0) {
        throw new IllegalArgumentException("unknown feature " + e.getKey());
      }
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw new IllegalArgumentException("feature " + e.getKey() + " is not finite: " + v);
      }
      values[index] = v.asDouble();
    }
    JsonNode d = root.get("defect");
    Boolean defect = null;
    if (d != null) {
      if (d.isBoolean()) {
        defect = d.asBoolean();
      } else if (d.isIntegralNumber() && (d.asInt() == 0 || d.asInt() == 1)) {
        defect = d.asInt() == 1;
      } else {
        throw new IllegalArgumentException("defect is no boolean: " + d);
      }
    }
    return new Event(machine, millis, iso, values, defect);
  }

  /** The broken rule, or null when the payload is a valid event. */
  String violation(byte[] payload) {
    try {
      read(payload);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
