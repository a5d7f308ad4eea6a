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
 * How far one machine's window has moved from the data its champion was trained on, and whether
 * that is evidence of drift: per feature PSI, KS and Jensen-Shannon distance with the chi-square
 * test's statistic, degrees of freedom and p-values (raw and Holm-adjusted); the same test of the
 * champion's scores; Fisher's exact test of the defect rate; what the decision used ({@link
 * Decision}); and the champion's metrics on the window's labelled events. Published on {@code
 * drift-metrics} (key = machineId), one per machine and window pane, skipped windows included. JSON
 * contract: {@code config/drift-report.schema.json}; the statistics: docs/drift.md.
 */
public final class DriftReport {
  /** Overall verdict. */
  public enum Status {
    /** The machine has no champion yet, so there is nothing to compare with. */
    NO_REFERENCE,
    /** Fewer sampled events than the minimum. */
    INSUFFICIENT_DATA,
    /** No test both significant at the warn level and with an effect at the warn floor. */
    STABLE,
    /** Some test significant at alphaWarn with an effect at the warn floor; none makes a DRIFT. */
    WARN,
    /** Some test significant at alphaDrift with an effect at the drift floor. */
    DRIFT
  }

  /** The verdict of one test (a feature, the scores or the label). */
  public enum Verdict {
    STABLE,
    WARN,
    DRIFT
  }

  /**
   * The two-sample test of the champion's scores: window n against the m out-of-sample scores of
   * the reference, the chi-square statistic and df, raw and Holm-adjusted p-values, verdict.
   */
  public record PredictionTest(
      long n,
      long m,
      double statistic,
      int df,
      double pValue,
      double adjustedPValue,
      Verdict verdict) {}

  /**
   * Fisher's exact test of the defect rate: n labelled window events against m labelled reference
   * events, raw and Holm-adjusted p-values, Cohen's h (window minus reference), verdict.
   */
  public record LabelTest(
      long n, long m, double pValue, double adjustedPValue, double h, Verdict verdict) {}

  /**
   * What a report's decision used: the tests, the number of tests in the Holm family, the window
   * and reference sizes (n sampled events, m reference rows) and the thresholds.
   */
  public record Decision(
      String test,
      String labelTest,
      String correction,
      int tests,
      long n,
      long m,
      double alphaWarn,
      double alphaDrift,
      double psiWarn,
      double psiDrift,
      double labelHWarn,
      double labelHDrift) {
    /** Chi-square test of homogeneity on bins at quantiles of the pooled sample. */
    public static final String CHI_SQUARE = "chi-square-pooled-quantile-bins";

    public static final String FISHER = "fisher-exact";
    public static final String HOLM = "holm";
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
  private final double[] statistic;
  private final int[] df;
  private final double[] pValue;
  private final double[] adjustedPValue;
  private final double referenceLabelRate;
  private final double windowLabelRate;
  private final double predictionPsi;
  private final @Nullable PredictionTest predictionTest;
  private final @Nullable LabelTest labelTest;
  private final @Nullable Decision decision;
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
      double[] statistic,
      int[] df,
      double[] pValue,
      double[] adjustedPValue,
      double referenceLabelRate,
      double windowLabelRate,
      double predictionPsi,
      @Nullable PredictionTest predictionTest,
      @Nullable LabelTest labelTest,
      @Nullable Decision decision,
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
    this.statistic = statistic;
    this.df = df;
    this.pValue = pValue;
    this.adjustedPValue = adjustedPValue;
    this.referenceLabelRate = referenceLabelRate;
    this.windowLabelRate = windowLabelRate;
    this.predictionPsi = predictionPsi;
    this.predictionTest = predictionTest;
    this.labelTest = labelTest;
    this.decision = decision;
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
        new double[0],
        new int[0],
        new double[0],
        new double[0],
        Double.NaN,
        windowLabelRate,
        Double.NaN,
        null,
        null,
        null,
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

  /** Per-feature chi-square statistic; empty without statistics, NaN for a report before tests. */
  public double[] statistic() {
    return statistic.clone();
  }

  /** Per-feature degrees of freedom of the chi-square test (0: nothing to test). */
  public int[] df() {
    return df.clone();
  }

  /** Per-feature raw p-value; NaN for a report made before tests. */
  public double[] pValue() {
    return pValue.clone();
  }

  /** Per-feature Holm-adjusted p-value, the one compared with the alphas. */
  public double[] adjustedPValue() {
    return adjustedPValue.clone();
  }

  public double adjustedPValue(String feature) {
    return adjustedPValue[features.indexOf(feature)];
  }

  /**
   * Smallest Holm-adjusted p-value of the report's tests (features, scores, label): the strength of
   * its strongest evidence. NaN without tests.
   */
  public double minAdjustedPValue() {
    double m = Double.NaN;
    for (double p : adjustedPValue) {
      m = minIgnoringNaN(m, p);
    }
    if (predictionTest != null) {
      m = minIgnoringNaN(m, predictionTest.adjustedPValue());
    }
    if (labelTest != null) {
      m = minIgnoringNaN(m, labelTest.adjustedPValue());
    }
    return m;
  }

  private static double minIgnoringNaN(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
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

  /** The test of the champion's scores; null when not run (no scores or no score reference). */
  public @Nullable PredictionTest predictionTest() {
    return predictionTest;
  }

  /** The test of the defect rate; null when either side has no labelled events. */
  public @Nullable LabelTest labelTest() {
    return labelTest;
  }

  /** What the decision used; null for a report without statistics. */
  public @Nullable Decision decision() {
    return decision;
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
        if (!Double.isNaN(pValue[j])) {
          g.writeNumberField("statistic", statistic[j]);
          g.writeNumberField("df", df[j]);
          g.writeNumberField("pValue", pValue[j]);
          g.writeNumberField("adjustedPValue", adjustedPValue[j]);
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("label");
      writeOptional(g, "referenceRate", referenceLabelRate);
      writeOptional(g, "windowRate", windowLabelRate);
      if (labelTest != null) {
        g.writeNumberField("n", labelTest.n());
        g.writeNumberField("m", labelTest.m());
        g.writeNumberField("pValue", labelTest.pValue());
        g.writeNumberField("adjustedPValue", labelTest.adjustedPValue());
        g.writeNumberField("h", labelTest.h());
        g.writeStringField("verdict", labelTest.verdict().name());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("prediction");
      writeOptional(g, "psi", predictionPsi);
      if (predictionTest != null) {
        g.writeNumberField("n", predictionTest.n());
        g.writeNumberField("m", predictionTest.m());
        g.writeNumberField("statistic", predictionTest.statistic());
        g.writeNumberField("df", predictionTest.df());
        g.writeNumberField("pValue", predictionTest.pValue());
        g.writeNumberField("adjustedPValue", predictionTest.adjustedPValue());
        g.writeStringField("verdict", predictionTest.verdict().name());
      }
      g.writeEndObject();
      if (decision != null) {
        g.writeObjectFieldStart("decision");
        g.writeStringField("test", decision.test());
        g.writeStringField("labelTest", decision.labelTest());
        g.writeStringField("correction", decision.correction());
        g.writeNumberField("tests", decision.tests());
        g.writeNumberField("n", decision.n());
        g.writeNumberField("m", decision.m());
        g.writeNumberField("alphaWarn", decision.alphaWarn());
        g.writeNumberField("alphaDrift", decision.alphaDrift());
        g.writeNumberField("psiWarn", decision.psiWarn());
        g.writeNumberField("psiDrift", decision.psiDrift());
        g.writeNumberField("labelHWarn", decision.labelHWarn());
        g.writeNumberField("labelHDrift", decision.labelHDrift());
        writeOptional(g, "minAdjustedPValue", minAdjustedPValue());
        g.writeEndObject();
      }
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
    List<JsonNode> stats = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("features").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      names.add(e.getKey());
      stats.add(e.getValue());
    }
    int d = stats.size();
    double[] psi = new double[d];
    double[] ks = new double[d];
    double[] js = new double[d];
    double[] statistic = new double[d];
    int[] df = new int[d];
    double[] p = new double[d];
    double[] adjusted = new double[d];
    for (int i = 0; i < d; i++) {
      JsonNode f = stats.get(i);
      psi[i] = f.path("psi").asDouble();
      ks[i] = f.path("ks").asDouble();
      js[i] = f.path("js").asDouble();
      // A report published before the tests has none of these.
      statistic[i] = optional(f.get("statistic"));
      df[i] = f.path("df").asInt();
      p[i] = optional(f.get("pValue"));
      adjusted[i] = optional(f.get("adjustedPValue"));
    }
    JsonNode label = n.path("label");
    LabelTest labelTest =
        label.has("pValue")
            ? new LabelTest(
                label.path("n").asLong(),
                label.path("m").asLong(),
                label.path("pValue").asDouble(),
                label.path("adjustedPValue").asDouble(),
                label.path("h").asDouble(),
                Verdict.valueOf(label.path("verdict").asText()))
            : null;
    JsonNode prediction = n.path("prediction");
    PredictionTest predictionTest =
        prediction.has("pValue")
            ? new PredictionTest(
                prediction.path("n").asLong(),
                prediction.path("m").asLong(),
                prediction.path("statistic").asDouble(),
                prediction.path("df").asInt(),
                prediction.path("pValue").asDouble(),
                prediction.path("adjustedPValue").asDouble(),
                Verdict.valueOf(prediction.path("verdict").asText()))
            : null;
    JsonNode dn = n.get("decision");
    Decision decision =
        dn == null || !dn.isObject()
            ? null
            : new Decision(
                dn.path("test").asText(),
                dn.path("labelTest").asText(),
                dn.path("correction").asText(),
                dn.path("tests").asInt(),
                dn.path("n").asLong(),
                dn.path("m").asLong(),
                dn.path("alphaWarn").asDouble(),
                dn.path("alphaDrift").asDouble(),
                dn.path("psiWarn").asDouble(),
                dn.path("psiDrift").asDouble(),
                dn.path("labelHWarn").asDouble(),
                dn.path("labelHDrift").asDouble());
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
        statistic,
        df,
        p,
        adjusted,
        optional(label.get("referenceRate")),
        optional(label.get("windowRate")),
        optional(prediction.get("psi")),
        predictionTest,
        labelTest,
        decision,
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
        + " minAdjustedPValue="
        + minAdjustedPValue()
        + "}";
  }
}
