package io.fleetlearn.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Grafana dashboards of {@code grafana/dashboards/} as data: every PromQL expression of every
 * panel, the template variables, and the substitution of Grafana's variables, for the tests that
 * check the dashboards offline ({@link DashboardFilesTest}) and against a real Prometheus ({@link
 * DashboardQueriesIT}).
 */
public final class DashboardModel {
  /**
   * A panel whose description contains this tag queries metrics that only a Flink cluster with the
   * flink-metrics-prometheus reporter exports; the end-to-end check skips it (and says so).
   */
  public static final String FLINK_ONLY = "[flink-cluster-only]";

  public static final Path DASHBOARDS = Path.of("grafana", "dashboards");

  private static final ObjectMapper JSON = new ObjectMapper();

  private DashboardModel() {}

  /** One expression of one panel. */
  public record Query(
      String dashboard,
      int panelId,
      String panelTitle,
      String refId,
      String expr,
      boolean flinkOnly) {
    @Override
    public String toString() {
      return dashboard + " / \"" + panelTitle + "\" (panel " + panelId + ") " + refId + ": " + expr;
    }
  }

  /** A template variable: its name, type and (for query variables) its query. */
  public record Variable(String name, String type, String query) {}

  /** The dashboard files, sorted by name. */
  public static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(DASHBOARDS)) {
      return s.filter(p -> p.toString().endsWith(".json"))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    }
  }

  public static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  /** Panels, including those nested in collapsed rows, in document order. */
  public static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      for (JsonNode nested : p.path("panels")) {
        out.add(nested);
      }
    }
    return out;
  }

  public static List<Query> queries(JsonNode dashboard) {
    List<Query> out = new ArrayList<>();
    String uid = dashboard.path("uid").asText();
    for (JsonNode p : panels(dashboard)) {
      boolean flink = p.path("description").asText("").contains(FLINK_ONLY);
      for (JsonNode t : p.path("targets")) {
        if (t.hasNonNull("expr")) {
          out.add(
              new Query(
                  uid,
                  p.path("id").asInt(),
                  p.path("title").asText(),
                  t.path("refId").asText(),
                  t.path("expr").asText(),
                  flink));
        }
      }
    }
    return out;
  }

  public static List<Variable> variables(JsonNode dashboard) {
    List<Variable> out = new ArrayList<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      JsonNode q = v.path("query");
      String query = q.isObject() ? q.path("query").asText() : q.asText();
      out.add(new Variable(v.path("name").asText(), v.path("type").asText(), query));
    }
    return out;
  }

  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_]+)\\s*\\)");

  /** {@code label_values(metric, label)} → [metric, label], or null for another query. */
  public static String[] labelValues(String query) {
    Matcher m = LABEL_VALUES.matcher(query.trim());
    return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
  }

  /**
   * Replaces Grafana variables: {@code $name}, {@code ${name}} and {@code [[name]]}, longest names
   * first so that {@code $__range_s} is not read as {@code $__range}.
   */
  public static String substitute(String expr, Map<String, String> values) {
    String out = expr;
    List<String> names = new ArrayList<>(values.keySet());
    names.sort(Comparator.comparingInt(String::length).reversed());
    for (String n : names) {
      String v = values.get(n);
      out = out.replace("${" + n + "}", v).replace("[[" + n + "]]", v);
      out =
          out.replaceAll(
              "\\$" + Pattern.quote(n) + "(?![a-zA-Z0-9_])", Matcher.quoteReplacement(v));
    }
    return out;
  }

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:fleetlearn|flink)_[a-zA-Z0-9_]+|up)\\b(?!\\s*\\()");

  /** Metric names an expression refers to (fleetlearn_*, flink_*, up). */
  public static List<String> metricNames(String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = METRIC.matcher(expr);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
