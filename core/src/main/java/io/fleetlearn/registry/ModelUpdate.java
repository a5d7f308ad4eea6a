package io.fleetlearn.registry;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.MetricsJson;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.SelectionJson;
import io.fleetlearn.training.TrainingResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The record published on {@code model-updates} (key = machineId) after each window of a machine:
 * what happened to the window's challenger ({@link Status}) and, always, the machine's current
 * champion (its {@link #version()} and model bytes), so the latest record per key of the compacted
 * topic is the registry whatever its status. JSON contract: {@code
 * config/model-update.schema.json}.
 */
public final class ModelUpdate {
  /** What the registry decided for the window's challenger. */
  public enum Status {
    PROMOTED,
    REJECTED,
    SKIPPED
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();

  private final String machineId;
  private final long version;
  private final Status status;
  private final String reason;
  private final long windowStart;
  private final long windowEnd;
  private final long paneIndex;
  private final boolean late;
  private final long events;
  private final long labelled;
  private final long positives;
  private final int trainRows;
  private final int holdoutRows;
  private final @Nullable ClassificationMetrics metrics;
  private final @Nullable ClassificationMetrics championMetrics;
  private final List<String> features;
  private final Map<String, Object> params;
  private final long trainingMillis;
  private final byte @Nullable [] model;
  private final @Nullable String modelSha256;
  private final long modelWindowStart;
  private final long modelWindowEnd;
  private final @Nullable ClassificationMetrics modelMetrics;
  private final TrainingResult.@Nullable Selection selection;
  private final ModelKind modelKind;
  private final double modelThreshold;
  private final @Nullable Recalibration recalibration;

  /**
   * The champion's alert threshold chosen again on its scores of later windows (a new version of
   * the same model): the version and threshold it replaces, and the rows it was chosen on.
   */
  public record Recalibration(
      long previousVersion, double previousThreshold, double rows, double positives, int windows) {}

  private ModelUpdate(Builder b) {
    this.machineId = Objects.requireNonNull(b.machineId);
    this.version = b.version;
    this.status = Objects.requireNonNull(b.status);
    this.reason = b.reason == null ? "" : b.reason;
    this.windowStart = b.windowStart;
    this.windowEnd = b.windowEnd;
    this.paneIndex = b.paneIndex;
    this.late = b.late;
    this.events = b.events;
    this.labelled = b.labelled;
    this.positives = b.positives;
    this.trainRows = b.trainRows;
    this.holdoutRows = b.holdoutRows;
    this.metrics = b.metrics;
    this.championMetrics = b.championMetrics;
    this.features = List.copyOf(b.features);
    this.params = Collections.unmodifiableMap(new TreeMap<>(b.params));
    this.trainingMillis = b.trainingMillis;
    this.model = b.model;
    this.modelSha256 =
        b.model == null ? null : (b.modelSha256 != null ? b.modelSha256 : sha256(b.model));
    this.modelWindowStart = b.modelWindowStart;
    this.modelWindowEnd = b.modelWindowEnd;
    this.modelMetrics = b.model == null ? null : b.modelMetrics;
    this.selection = b.selection;
    this.modelKind = b.modelKind == null ? ModelKind.OWN : b.modelKind;
    this.modelThreshold = b.model == null ? Double.NaN : b.modelThreshold;
    this.recalibration = b.model == null ? null : b.recalibration;
    if (!Double.isNaN(modelThreshold) && !(modelThreshold >= 0 && modelThreshold <= 1)) {
      throw new IllegalArgumentException("model threshold must be in [0, 1]: " + modelThreshold);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String machineId() {
    return machineId;
  }

  /** The current champion's version after this decision; 0 while the machine has none. */
  public long version() {
    return version;
  }

  public Status status() {
    return status;
  }

  public String reason() {
    return reason;
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

  public boolean isLate() {
    return late;
  }

  public long events() {
    return events;
  }

  public long labelled() {
    return labelled;
  }

  public long positives() {
    return positives;
  }

  public int trainRows() {
    return trainRows;
  }

  public int holdoutRows() {
    return holdoutRows;
  }

  /** The challenger's holdout metrics; null when the window was skipped. */
  public @Nullable ClassificationMetrics metrics() {
    return metrics;
  }

  /** The previous champion scored on the same holdout; null when there was none. */
  public @Nullable ClassificationMetrics championMetrics() {
    return championMetrics;
  }

  public List<String> features() {
    return features;
  }

  public Map<String, Object> params() {
    return params;
  }

  public long trainingMillis() {
    return trainingMillis;
  }

  /** The current champion's model (XGBoost UBJ); null while the machine has none. */
  public byte @Nullable [] model() {
    return model;
  }

  public @Nullable String modelSha256() {
    return modelSha256;
  }

  /** Start of the window the current champion was trained on (0 if none). */
  public long modelWindowStart() {
    return modelWindowStart;
  }

  public long modelWindowEnd() {
    return modelWindowEnd;
  }

  /**
   * The current champion's holdout metrics from when it was trained (its baseline for the decay
   * rule); null without a model, and in records written before this field existed.
   */
  public @Nullable ClassificationMetrics modelMetrics() {
    return modelMetrics;
  }

  /** How the window's challenger was chosen; null when SKIPPED and in older records. */
  public TrainingResult.@Nullable Selection selection() {
    return selection;
  }

  /**
   * The fleet model the challenger's candidates started from, on the same holdout at its own
   * threshold; null without one.
   */
  public @Nullable ClassificationMetrics fleetMetrics() {
    return selection == null ? null : selection.fleetMetrics();
  }

  /** Which candidate the current champion is; OWN in records written before kinds existed. */
  public ModelKind modelKind() {
    return modelKind;
  }

  /** The current champion's alert threshold; NaN without a model or in older records. */
  public double modelThreshold() {
    return modelThreshold;
  }

  /**
   * Set when this record's champion is the previous one with its alert threshold chosen again on
   * its scores of later windows, published as a new version of the same model; null otherwise.
   */
  public @Nullable Recalibration recalibration() {
    return recalibration;
  }

  /**
   * Whether this record changes what scores the machine: a promotion, or the champion's threshold
   * chosen again. Scorers take these records; the others carry the champion they already have.
   */
  public boolean changesServedModel() {
    return model != null && (status == Status.PROMOTED || recalibration != null);
  }

  /** The champion's threshold, or {@code fallback} when it carries none. */
  public double modelThresholdOr(double fallback) {
    return Double.isNaN(modelThreshold) ? fallback : modelThreshold;
  }

  /** Hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JSON form published on Kafka (UTF-8). */
  public byte[] toJson() {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(model == null ? 1024 : model.length * 4 / 3 + 2048);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("machineId", machineId);
      g.writeNumberField("version", version);
      g.writeStringField("status", status.name());
      g.writeStringField("reason", reason);
      g.writeObjectFieldStart("window");
      g.writeStringField("start", Instant.ofEpochMilli(windowStart).toString());
      g.writeStringField("end", Instant.ofEpochMilli(windowEnd).toString());
      g.writeNumberField("pane", paneIndex);
      g.writeBooleanField("late", late);
      g.writeEndObject();
      g.writeObjectFieldStart("samples");
      g.writeNumberField("events", events);
      g.writeNumberField("labelled", labelled);
      g.writeNumberField("positives", positives);
      g.writeNumberField("train", trainRows);
      g.writeNumberField("holdout", holdoutRows);
      g.writeEndObject();
      MetricsJson.write(g, "metrics", metrics);
      MetricsJson.write(g, "championMetrics", championMetrics);
      MetricsJson.write(g, "fleetMetrics", fleetMetrics());
      if (selection != null) {
        SelectionJson.write(g, "selection", selection);
      }
      g.writeArrayFieldStart("features");
      for (String f : features) {
        g.writeString(f);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("params");
      for (Map.Entry<String, Object> e : params.entrySet()) {
        g.writeFieldName(e.getKey());
        Object v = e.getValue();
        if (v instanceof Number) {
          if (v instanceof Double || v instanceof Float) {
            g.writeNumber(((Number) v).doubleValue());
          } else {
            g.writeNumber(((Number) v).longValue());
          }
        } else {
          g.writeString(String.valueOf(v));
        }
      }
      g.writeEndObject();
      g.writeNumberField("trainingMillis", trainingMillis);
      if (model != null) {
        g.writeObjectFieldStart("model");
        g.writeStringField("format", "xgboost-ubj");
        g.writeNumberField("version", version);
        g.writeStringField("sha256", modelSha256);
        g.writeStringField("kind", modelKind.name());
        if (!Double.isNaN(modelThreshold)) {
          g.writeNumberField("threshold", modelThreshold);
        }
        g.writeObjectFieldStart("trainedOn");
        g.writeStringField("start", Instant.ofEpochMilli(modelWindowStart).toString());
        g.writeStringField("end", Instant.ofEpochMilli(modelWindowEnd).toString());
        g.writeEndObject();
        MetricsJson.write(g, "metrics", modelMetrics);
        if (recalibration != null) {
          g.writeObjectFieldStart("recalibrated");
          g.writeNumberField("previousVersion", recalibration.previousVersion());
          g.writeNumberField("previousThreshold", recalibration.previousThreshold());
          g.writeNumberField("rows", recalibration.rows());
          g.writeNumberField("positives", recalibration.positives());
          g.writeNumberField("windows", recalibration.windows());
          g.writeEndObject();
        }
        // Jackson's default variant is RFC 4648 base64 with padding and no line feeds, the same as
        // Base64.getEncoder(), written straight into the output buffer.
        g.writeFieldName("base64");
        g.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, model, 0, model.length);
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Parses a record of {@code model-updates}. The model bytes are checked against the record's
   * sha256: a mismatch is an error, never a silently loaded model.
   */
  public static ModelUpdate fromJson(byte[] json) throws IOException {
    try {
      return parse(json);
    } catch (RuntimeException e) {
      // Bad base64, an unknown status, an unparsable instant or out-of-range metrics.
      throw new IOException("malformed model update: " + e.getMessage(), e);
    }
  }

  private static ModelUpdate parse(byte[] json) throws IOException {
    JsonNode n = MAPPER.readTree(json);
    if (n == null || !n.isObject()) {
      throw new IOException("a model update must be a JSON object");
    }
    Builder b = builder();
    b.machineId(req(n, "machineId").asText());
    b.version(req(n, "version").asLong());
    b.status(Status.valueOf(req(n, "status").asText()));
    b.reason(n.path("reason").asText(""));
    JsonNode w = req(n, "window");
    b.window(
        Instant.parse(req(w, "start").asText()).toEpochMilli(),
        Instant.parse(req(w, "end").asText()).toEpochMilli());
    b.pane(w.path("pane").asLong(0), w.path("late").asBoolean(false));
    JsonNode s = n.path("samples");
    b.samples(
        s.path("events").asLong(),
        s.path("labelled").asLong(),
        s.path("positives").asLong(),
        s.path("train").asInt(),
        s.path("holdout").asInt());
    b.metrics(MetricsJson.read(n.get("metrics")));
    b.championMetrics(MetricsJson.read(n.get("championMetrics")));
    b.selection(SelectionJson.read(n.get("selection"), MetricsJson.read(n.get("fleetMetrics"))));
    List<String> f = new ArrayList<>();
    n.path("features").forEach(x -> f.add(x.asText()));
    b.features(f);
    Map<String, Object> p = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("params").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      p.put(
          e.getKey(),
          v.isIntegralNumber()
              ? (Object) v.asLong()
              : v.isNumber() ? (Object) v.asDouble() : v.asText());
    }
    b.params(p);
    b.trainingMillis(n.path("trainingMillis").asLong());
    JsonNode m = n.get("model");
    if (m != null && m.isObject()) {
      byte[] bytes = Base64.getDecoder().decode(req(m, "base64").asText());
      String declared = req(m, "sha256").asText();
      String actual = sha256(bytes);
      if (!actual.equalsIgnoreCase(declared)) {
        throw new IOException(
            "model sha256 mismatch for "
                + b.machineId
                + ": declared "
                + declared
                + ", actual "
                + actual);
      }
      JsonNode t = m.path("trainedOn");
      b.model(
          bytes,
          actual,
          t.isObject() ? Instant.parse(t.path("start").asText()).toEpochMilli() : 0,
          t.isObject() ? Instant.parse(t.path("end").asText()).toEpochMilli() : 0);
      b.modelMetrics(MetricsJson.read(m.get("metrics")));
      if (m.hasNonNull("kind")) {
        b.modelKind(ModelKind.parse(m.get("kind").asText()));
      }
      if (m.path("threshold").isNumber()) {
        b.modelThreshold(m.get("threshold").asDouble());
      }
      JsonNode r = m.get("recalibrated");
      if (r != null && r.isObject()) {
        b.recalibration(
            new Recalibration(
                req(r, "previousVersion").asLong(),
                req(r, "previousThreshold").asDouble(),
                r.path("rows").asDouble(),
                r.path("positives").asDouble(),
                r.path("windows").asInt()));
      }
    }
    return b.build();
  }

  private static JsonNode req(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IOException("model update lacks \"" + field + "\"");
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelUpdate
        && java.util.Arrays.equals(toJson(), ((ModelUpdate) o).toJson());
  }

  @Override
  public int hashCode() {
    return Objects.hash(machineId, version, status, windowStart, paneIndex);
  }

  @Override
  public String toString() {
    return "ModelUpdate{"
        + machineId
        + " v"
        + version
        + " "
        + status
        + " "
        + reason
        + " ["
        + Instant.ofEpochMilli(windowStart)
        + ","
        + Instant.ofEpochMilli(windowEnd)
        + ")}";
  }

  /** Builder for {@link ModelUpdate}. */
  public static final class Builder {
    private String machineId;
    private long version;
    private Status status;
    private String reason;
    private long windowStart;
    private long windowEnd;
    private long paneIndex;
    private boolean late;
    private long events;
    private long labelled;
    private long positives;
    private int trainRows;
    private int holdoutRows;
    private ClassificationMetrics metrics;
    private ClassificationMetrics championMetrics;
    private List<String> features = List.of();
    private Map<String, Object> params = Map.of();
    private long trainingMillis;
    private byte[] model;
    private String modelSha256;
    private long modelWindowStart;
    private long modelWindowEnd;
    private ClassificationMetrics modelMetrics;
    private TrainingResult.Selection selection;
    private ModelKind modelKind;
    private double modelThreshold = Double.NaN;
    private Recalibration recalibration;

    /** The champion's threshold chosen again (a new version of the same model); with a model. */
    public Builder recalibration(@Nullable Recalibration v) {
      recalibration = v;
      return this;
    }

    /** How the window's challenger was chosen (with the fleet model's holdout metrics). */
    public Builder selection(TrainingResult.@Nullable Selection v) {
      selection = v;
      return this;
    }

    /** Which candidate the champion is; kept only with a model. */
    public Builder modelKind(@Nullable ModelKind v) {
      modelKind = v;
      return this;
    }

    /** The champion's alert threshold (NaN: none); kept only with a model. */
    public Builder modelThreshold(double v) {
      modelThreshold = v;
      return this;
    }

    public Builder machineId(String v) {
      machineId = v;
      return this;
    }

    public Builder version(long v) {
      version = v;
      return this;
    }

    public Builder status(Status v) {
      status = v;
      return this;
    }

    public Builder reason(String v) {
      reason = v;
      return this;
    }

    public Builder window(long start, long end) {
      windowStart = start;
      windowEnd = end;
      return this;
    }

    public Builder pane(long index, boolean isLate) {
      paneIndex = index;
      late = isLate;
      return this;
    }

    public Builder samples(long events, long labelled, long positives, int train, int holdout) {
      this.events = events;
      this.labelled = labelled;
      this.positives = positives;
      this.trainRows = train;
      this.holdoutRows = holdout;
      return this;
    }

    public Builder metrics(@Nullable ClassificationMetrics v) {
      metrics = v;
      return this;
    }

    public Builder championMetrics(@Nullable ClassificationMetrics v) {
      championMetrics = v;
      return this;
    }

    public Builder features(List<String> v) {
      features = v;
      return this;
    }

    public Builder params(Map<String, Object> v) {
      params = v;
      return this;
    }

    public Builder trainingMillis(long v) {
      trainingMillis = v;
      return this;
    }

    /** The champion's model bytes and the window it was trained on. */
    public Builder model(byte @Nullable [] bytes, long trainedOnStart, long trainedOnEnd) {
      model = bytes;
      modelSha256 = null;
      modelWindowStart = trainedOnStart;
      modelWindowEnd = trainedOnEnd;
      return this;
    }

    /**
     * The champion's model bytes with their SHA-256 already computed (hex), so a model that goes
     * out with every decision is not hashed again each time.
     */
    public Builder model(
        byte @Nullable [] bytes, String sha256, long trainedOnStart, long trainedOnEnd) {
      model(bytes, trainedOnStart, trainedOnEnd);
      modelSha256 = bytes == null ? null : Objects.requireNonNull(sha256, "sha256");
      return this;
    }

    /** The champion's holdout metrics at training time; kept only with a model. */
    public Builder modelMetrics(@Nullable ClassificationMetrics v) {
      modelMetrics = v;
      return this;
    }

    public ModelUpdate build() {
      return new ModelUpdate(this);
    }
  }
}
