package io.fleetlearn.training;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The JSON form of a {@link TrainingResult.Selection}, shared by model updates and entity metadata:
 *
 * <pre>{@code
 * "selection": {"kind": "FLEET_TUNED", "reason": "...", "threshold": 0.31,
 *   "thresholdSource": "validation f1", "fleetVersion": 12,
 *   "validation": {"rows": 96, "positives": 9, "auc": {"OWN": 0.81, "FLEET_TUNED": 0.9, "FLEET": 0.86}}}
 * }</pre>
 *
 * The fleet model's holdout metrics travel separately, as {@code fleetMetrics}.
 */
public final class SelectionJson {
  private SelectionJson() {}

  public static void write(JsonGenerator g, String field, TrainingResult.Selection s)
      throws IOException {
    g.writeObjectFieldStart(field);
    g.writeStringField("kind", s.kind().name());
    g.writeStringField("reason", s.reason());
    g.writeNumberField("threshold", s.threshold());
    g.writeStringField("thresholdSource", s.thresholdSource());
    g.writeNumberField("fleetVersion", s.fleetVersion());
    g.writeObjectFieldStart("validation");
    g.writeNumberField("rows", s.validationRows());
    g.writeNumberField("positives", s.validationPositives());
    g.writeObjectFieldStart("auc");
    for (Map.Entry<ModelKind, Double> e : s.validationAuc().entrySet()) {
      g.writeNumberField(e.getKey().name(), e.getValue());
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  public static ObjectNode toNode(TrainingResult.Selection s) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("kind", s.kind().name());
    n.put("reason", s.reason());
    n.put("threshold", s.threshold());
    n.put("thresholdSource", s.thresholdSource());
    n.put("fleetVersion", s.fleetVersion());
    ObjectNode v = n.putObject("validation");
    v.put("rows", s.validationRows());
    v.put("positives", s.validationPositives());
    ObjectNode auc = v.putObject("auc");
    for (Map.Entry<ModelKind, Double> e : s.validationAuc().entrySet()) {
      auc.put(e.getKey().name(), e.getValue());
    }
    return n;
  }

  /**
   * The selection of a JSON object, with {@code fleetMetrics} (read separately) attached; null when
   * absent.
   */
  public static TrainingResult.@Nullable Selection read(
      @Nullable JsonNode n, @Nullable ClassificationMetrics fleetMetrics) {
    if (n == null || !n.isObject()) {
      return null;
    }
    Map<ModelKind, Double> aucs = new EnumMap<>(ModelKind.class);
    JsonNode v = n.path("validation");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.path("auc").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      aucs.put(ModelKind.parse(e.getKey()), e.getValue().asDouble());
    }
    return new TrainingResult.Selection(
        ModelKind.parse(n.path("kind").asText("OWN")),
        n.path("threshold").asDouble(0.5),
        n.path("thresholdSource").asText(""),
        n.path("reason").asText(""),
        n.path("fleetVersion").asLong(0),
        fleetMetrics,
        v.path("rows").asInt(0),
        v.path("positives").asInt(0),
        aucs);
  }
}
