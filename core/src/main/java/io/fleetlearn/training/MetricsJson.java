package io.fleetlearn.training;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The JSON form of {@link ClassificationMetrics} shared by every published contract: {@code {"auc",
 * "f1", "precision", "recall", "accuracy", "logLoss"}} and, when known, the confusion matrix {@code
 * "tp", "fp", "tn", "fn"} with the decision {@code "threshold"} it was counted at (absent when rows
 * judged at different thresholds were pooled). Records written before the counts existed still read
 * (without them).
 */
public final class MetricsJson {
  public static final String THRESHOLD = "threshold";
  public static final String TP = "tp";
  public static final String FP = "fp";
  public static final String TN = "tn";
  public static final String FN = "fn";

  private MetricsJson() {}

  /** Writes {@code "field": {...}}; writes nothing when {@code m} is null. */
  public static void write(JsonGenerator g, String field, @Nullable ClassificationMetrics m)
      throws IOException {
    if (m == null) {
      return;
    }
    g.writeObjectFieldStart(field);
    g.writeNumberField(ClassificationMetrics.AUC, m.auc());
    g.writeNumberField(ClassificationMetrics.F1, m.f1());
    g.writeNumberField(ClassificationMetrics.PRECISION, m.precision());
    g.writeNumberField(ClassificationMetrics.RECALL, m.recall());
    g.writeNumberField(ClassificationMetrics.ACCURACY, m.accuracy());
    g.writeNumberField(ClassificationMetrics.LOG_LOSS, m.logLoss());
    if (m.hasCounts()) {
      if (Double.isFinite(m.threshold())) {
        g.writeNumberField(THRESHOLD, m.threshold());
      }
      g.writeNumberField(TP, m.tp());
      g.writeNumberField(FP, m.fp());
      g.writeNumberField(TN, m.tn());
      g.writeNumberField(FN, m.fn());
    }
    g.writeEndObject();
  }

  public static ObjectNode toNode(ClassificationMetrics m) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put(ClassificationMetrics.AUC, m.auc());
    n.put(ClassificationMetrics.F1, m.f1());
    n.put(ClassificationMetrics.PRECISION, m.precision());
    n.put(ClassificationMetrics.RECALL, m.recall());
    n.put(ClassificationMetrics.ACCURACY, m.accuracy());
    n.put(ClassificationMetrics.LOG_LOSS, m.logLoss());
    if (m.hasCounts()) {
      if (Double.isFinite(m.threshold())) {
        n.put(THRESHOLD, m.threshold());
      }
      n.put(TP, m.tp());
      n.put(FP, m.fp());
      n.put(TN, m.tn());
      n.put(FN, m.fn());
    }
    return n;
  }

  /** The metrics of a JSON object; null when {@code m} is absent or not an object. */
  public static @Nullable ClassificationMetrics read(@Nullable JsonNode m) {
    if (m == null || !m.isObject()) {
      return null;
    }
    ClassificationMetrics out =
        ClassificationMetrics.of(
            m.path(ClassificationMetrics.AUC).asDouble(),
            m.path(ClassificationMetrics.F1).asDouble(),
            m.path(ClassificationMetrics.PRECISION).asDouble(),
            m.path(ClassificationMetrics.RECALL).asDouble(),
            m.path(ClassificationMetrics.ACCURACY).asDouble(),
            m.path(ClassificationMetrics.LOG_LOSS).asDouble());
    if (m.path(TP).isIntegralNumber()) {
      out =
          out.withCounts(
              m.path(THRESHOLD).isNumber() ? m.path(THRESHOLD).asDouble() : Double.NaN,
              m.path(TP).asLong(),
              m.path(FP).asLong(),
              m.path(TN).asLong(),
              m.path(FN).asLong());
    }
    return out;
  }
}
