package io.fleetlearn.drift;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.MetricsJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How far one machine's window has moved from the data its champion was trained on: per-feature
 * PSI, KS and Jensen-Shannon distance, the label rate, prediction-score PSI and the champion's
 * metrics on the window's labelled events. Published on {@code drift-metrics} (key = machineId),
 * one per machine and window pane, skipped windows included. JSON contract: {@code
 * config/drift-report.schema.json}.
 */
public final class DriftReport {
  /** Overall verdict. */
  public enum Status {
    /** The machine has no champion yet, so there is nothing to compare with. */
    NO_REFERENCE,
    /** Fewer sampled events than the minimum: statistics would be noise. */
    INSUFFICIENT_DATA,
    STABLE,
    /** Some PSI at or above the warn threshold, none at the drift threshold. */
    WARN,
    DRIFT
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String machineId;
  private final long windowStart;
  private final long windowEnd;
  private final long paneIndex;
  private final long referenceVersion;
  private final long events;
  private final int sampled;
  private final Status status;
  private final List<String> features;
  private final double[] psi;
  private final double[] ks;
  private final double[] js;
  private final double referenceLabelRate;
  private final double windowLabelRate;
  private final double predictionPsi;
  private final @Nullable ClassificationMetrics championOnWindow;
  private final List<String> driftedFeatures;
  private final List<String> warnFeatures;

  DriftReport(
      String machineId,
      long windowStart,
      long windowEnd,
      long paneIndex,
      long referenceVersion,
      long events,
      int sampled,
      Status status,
      List<String> features,
      double[] psi,
      double[] ks,
      double[] js,
      double referenceLabelRate,
      double windowLabelRate,
      double predictionPsi,
      @Nullable ClassificationMetrics championOnWindow,
      List<String> driftedFeatures,
      List<String> warnFeatures) {
    this.machineId = Objects.requireNonNull(machineId);
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.paneIndex = paneIndex;
    this.referenceVersion = referenceVersion;
    this.events = events;
    this.sampled = sampled;
    this.status = status;
    this.features = List.copyOf(features);
    this.psi = psi;
    this.ks = ks;
    this.js = js;
    this.referenceLabelRate = referenceLabelRate;
    this.windowLabelRate = windowLabelRate;
    this.predictionPsi = predictionPsi;
    this.championOnWindow = championOnWindow;
    this.driftedFeatures = List.copyOf(driftedFeatures);
    this.warnFeatures = List.copyOf(warnFeatures);
  }

  /** A report without statistics (no reference, or too little data). */
  public static DriftReport withoutStatistics(
      String machineId,
      long windowStart,
      long windowEnd,
      long paneIndex,
      long referenceVersion,
      long events,
      int sampled,
      Status status,
      List<String> features,
      double windowLabelRate) {
    return new DriftReport(
        machineId,
        windowStart,
        windowEnd,
        paneIndex,
        referenceVersion,
        events,
        sampled,
        status,
        features,
        new double[0],
        new double[0],
        new double[0],
        Double.NaN,
        windowLabelRate,
        Double.NaN,
        null,
        List.of(),
        List.of());
  }

  public String machineId() {
    return machineId;
  }

  public long windowStart() {
    return windowStart;
  }

  public long windowEnd() {
    return windowEnd;
  }

  public long paneIndex() {
    return paneIndex;
  }

  /** Version of the champion whose training data is the reference; 0 if none. */
  public long referenceVersion() {
    return referenceVersion;
  }

  public long events() {
    return events;
  }

  public int sampled() {
    return sampled;
  }

  public Status status() {
    return status;
  }

  public boolean drifted() {
    return status == Status.DRIFT;
  }

  public List<String> features() {
    return features;
  }

  /** Per-feature PSI in feature order; empty without statistics. */
  public double[] psi() {
    return psi.clone();
  }

  public double[] ks() {
    return ks.clone();
  }

  public double[] js() {
    return js.clone();
  }

  public double psi(String feature) {
    return psi[features.indexOf(feature)];
  }

  /** Largest per-feature PSI, 0 without statistics. */
  public double maxPsi() {
    double m = 0;
    for (double v : psi) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** NaN when unknown. */
  public double referenceLabelRate() {
    return referenceLabelRate;
  }

  /** NaN when the window has no labelled events. */
  public double windowLabelRate() {
    return windowLabelRate;
  }

  /** NaN when there is no champion to score the window. */
  public double predictionPsi() {
    return predictionPsi;
  }

  public @Nullable ClassificationMetrics championOnWindow() {
    return championOnWindow;
  }

  public List<String> driftedFeatures() {
    return driftedFeatures;
  }

  public List<String> warnFeatures() {
    return warnFeatures;
  }

  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("machineId", machineId);
      g.writeObjectFieldStart("window");
      g.writeStringField("start", Instant.ofEpochMilli(windowStart).toString());
      g.writeStringField("end", Instant.ofEpochMilli(windowEnd).toString());
      g.writeNumberField("pane", paneIndex);
      g.writeEndObject();
      g.writeNumberField("referenceVersion", referenceVersion);
      g.writeNumberField("events", events);
      g.writeNumberField("sampled", sampled);
      g.writeStringField("status", status.name());
      g.writeBooleanField("drifted", drifted());
      g.writeObjectFieldStart("features");
      for (int j = 0; j < psi.length; j++) {
        g.writeObjectFieldStart(features.get(j));
        g.writeNumberField("psi", psi[j]);
        g.writeNumberField("ks", ks[j]);
        g.writeNumberField("js", js[j]);
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("label");
      writeOptional(g, "referenceRate", referenceLabelRate);
      writeOptional(g, "windowRate", windowLabelRate);
      g.writeEndObject();
      g.writeObjectFieldStart("prediction");
      writeOptional(g, "psi", predictionPsi);
      g.writeEndObject();
      MetricsJson.write(g, "championOnWindow", championOnWindow);
      writeList(g, "driftedFeatures", driftedFeatures);
      writeList(g, "warnFeatures", warnFeatures);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeOptional(JsonGenerator g, String name, double v) throws IOException {
    if (!Double.isNaN(v)) {
      g.writeNumberField(name, v);
    }
  }

  private static void writeList(JsonGenerator g, String name, List<String> l) throws IOException {
    g.writeArrayFieldStart(name);
    for (String s : l) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  public static DriftReport fromJson(byte[] json) throws IOException {
    JsonNode n = MAPPER.readTree(json);
    if (n == null || !n.isObject() || !n.hasNonNull("machineId")) {
      throw new IOException("not a drift report");
    }
    JsonNode w = n.path("window");
    List<String> names = new ArrayList<>();
    List<double[]> stats = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("features").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      names.add(e.getKey());
      stats.add(
          new double[] {
            e.getValue().path("psi").asDouble(),
            e.getValue().path("ks").asDouble(),
            e.getValue().path("js").asDouble()
          });
    }
    double[] psi = new double[stats.size()];
    double[] ks = new double[stats.size()];
    double[] js = new double[stats.size()];
    for (int i = 0; i < stats.size(); i++) {
      psi[i] = stats.get(i)[0];
      ks[i] = stats.get(i)[1];
      js[i] = stats.get(i)[2];
    }
    ClassificationMetrics m = MetricsJson.read(n.get("championOnWindow"));
    return new DriftReport(
        n.get("machineId").asText(),
        Instant.parse(w.path("start").asText()).toEpochMilli(),
        Instant.parse(w.path("end").asText()).toEpochMilli(),
        w.path("pane").asLong(),
        n.path("referenceVersion").asLong(),
        n.path("events").asLong(),
        n.path("sampled").asInt(),
        Status.valueOf(n.path("status").asText()),
        names,
        psi,
        ks,
        js,
        optional(n.path("label").get("referenceRate")),
        optional(n.path("label").get("windowRate")),
        optional(n.path("prediction").get("psi")),
        m,
        strings(n.path("driftedFeatures")),
        strings(n.path("warnFeatures")));
  }

  private static double optional(@Nullable JsonNode v) {
    return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DriftReport && Arrays.equals(toJson(), ((DriftReport) o).toJson());
  }

  @Override
  public int hashCode() {
    return Objects.hash(machineId, windowStart, paneIndex);
  }

  @Override
  public String toString() {
    return "DriftReport{"
        + machineId
        + " "
        + Instant.ofEpochMilli(windowStart)
        + " "
        + status
        + " drifted="
        + driftedFeatures
        + " maxPsi="
        + maxPsi()
        + "}";
  }
}
