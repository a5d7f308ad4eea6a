package io.fleetlearn.scoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.training.AlertRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/**
 * One scored event, published on {@code defect-predictions} (key = machineId): the event's machine
 * and event time, the defect probability, the model that produced it ({@link ModelSource} and
 * version), and whether it reaches the alert threshold. Carries the event's label when it had one,
 * so consumers can measure the live models. JSON contract: {@code
 * config/defect-prediction.schema.json}.
 */
public final class DefectPrediction {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();

  private final String machineId;
  private final long timestampMillis;
  private final float probability;
  private final double threshold;
  private final ModelSource source;
  private final long modelVersion;
  private final byte label;

  public DefectPrediction(
      String machineId,
      long timestampMillis,
      float probability,
      double threshold,
      ModelSource source,
      long modelVersion,
      byte label) {
    this.machineId = Objects.requireNonNull(machineId);
    this.timestampMillis = timestampMillis;
    this.probability = probability;
    this.threshold = threshold;
    this.source = Objects.requireNonNull(source);
    this.modelVersion = modelVersion;
    this.label = label;
  }

  /** The prediction for {@code e}. */
  public static DefectPrediction of(
      SensorEvent e, float probability, double threshold, ModelSource source, long version) {
    return new DefectPrediction(
        e.machineId(), e.timestampMillis(), probability, threshold, source, version, e.label());
  }

  public String machineId() {
    return machineId;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  public float probability() {
    return probability;
  }

  public double threshold() {
    return threshold;
  }

  /** probability ≥ threshold, and the threshold below 1 ({@link AlertRule}). */
  public boolean alert() {
    return AlertRule.alerts(probability, threshold);
  }

  public ModelSource source() {
    return source;
  }

  /** Version of the model that scored: the machine's champion, or the fleet model's version. */
  public long modelVersion() {
    return modelVersion;
  }

  /** The event's label: 1, 0, or {@link SensorEvent#UNLABELLED}. */
  public byte label() {
    return label;
  }

  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(200);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("machineId", machineId);
      g.writeStringField("timestamp", Instant.ofEpochMilli(timestampMillis).toString());
      g.writeNumberField("probability", probability);
      g.writeBooleanField("alert", alert());
      g.writeNumberField("threshold", threshold);
      g.writeObjectFieldStart("model");
      g.writeStringField("source", source.name());
      g.writeNumberField("version", modelVersion);
      g.writeEndObject();
      if (label != SensorEvent.UNLABELLED) {
        g.writeBooleanField("defect", label == 1);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static DefectPrediction fromJson(byte[] json) throws IOException {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || !n.isObject() || !n.path("model").isObject()) {
        throw new IOException("not a defect prediction");
      }
      JsonNode d = n.get("defect");
      return new DefectPrediction(
          n.path("machineId").asText(),
          Instant.parse(n.path("timestamp").asText()).toEpochMilli(),
          (float) n.path("probability").asDouble(),
          n.path("threshold").asDouble(),
          ModelSource.valueOf(n.path("model").path("source").asText()),
          n.path("model").path("version").asLong(),
          d == null || d.isNull() ? SensorEvent.UNLABELLED : (byte) (d.asBoolean() ? 1 : 0));
    } catch (RuntimeException e) {
      throw new IOException("malformed defect prediction: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DefectPrediction)) {
      return false;
    }
    DefectPrediction p = (DefectPrediction) o;
    return machineId.equals(p.machineId)
        && timestampMillis == p.timestampMillis
        && Float.compare(probability, p.probability) == 0
        && Double.compare(threshold, p.threshold) == 0
        && source == p.source
        && modelVersion == p.modelVersion
        && label == p.label;
  }

  @Override
  public int hashCode() {
    return Objects.hash(machineId, timestampMillis, probability, source, modelVersion);
  }

  @Override
  public String toString() {
    return "DefectPrediction{"
        + machineId
        + " @"
        + Instant.ofEpochMilli(timestampMillis)
        + " p="
        + probability
        + " "
        + source
        + " v"
        + modelVersion
        + (alert() ? " ALERT" : "")
        + "}";
  }
}
