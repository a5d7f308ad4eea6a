package io.fleetlearn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fleetlearn.testing.PrometheusPackage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The alerting rules of {@code config/prometheus-alerts.yml} with a real {@code promtool} (the
 * Debian package {@code prometheus}, installed if missing and we are root, as for {@code
 * DashboardQueriesIT}): every rule parses, both Prometheus configurations that load them are valid,
 * and the unit tests of {@code config/prometheus-alerts-test.yml} pass. The unit tests are checked
 * in turn: with one alert's expression replaced by one that never fires, or by one that always
 * fires, {@code promtool test rules} must fail on that alert, so every alert has a case where it
 * fires and a case where it stays silent. Every alert links to its own section of {@code
 * docs/runbook.md}, and every section there belongs to an alert.
 */
class PrometheusAlertsIT {
  private static final Path RULES = Path.of("config/prometheus-alerts.yml");
  private static final Path TESTS = Path.of("config/prometheus-alerts-test.yml");
  private static final Path RUNBOOK = Path.of("docs/runbook.md");
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path dir;
  private Path promtool;

  @BeforeEach
  void findPromtool() throws Exception {
    promtool = PrometheusPackage.ensureInstalled("promtool", dir);
  }

  @Test
  void rulesParseAndTheirUnitTestsPass() throws Exception {
    assertSucceeds("check", "rules", RULES.toString());
    // Both configurations load the rule file (rule_files), which check config checks too. The
    // compose one refers to compose hosts only by name, which promtool does not resolve.
    assertSucceeds("check", "config", "config/prometheus.yml");
    Path compose = dir.resolve("compose");
    Files.createDirectories(compose);
    Files.copy(Path.of("config/prometheus-compose.yml"), compose.resolve("prometheus.yml"));
    Files.copy(RULES, compose.resolve(RULES.getFileName()));
    assertSucceeds("check", "config", compose.resolve("prometheus.yml").toString());
    String out = assertSucceeds("test", "rules", TESTS.toString());
    assertTrue(out.contains("SUCCESS"), out);
  }

  @Test
  void everyAlertHasACaseWhereItFiresAndOneWhereItDoesNot() throws Exception {
    List<String> alerts = alertNames(loadRules());
    assertFalse(alerts.isEmpty(), "no alert in " + RULES);
    for (String alert : alerts) {
      for (String expr : List.of("vector(1) == 2", "vector(1)")) {
        Path mutated = Files.createTempDirectory(dir, "mutated");
        Map<String, Object> rules = loadRules();
        replaceExpression(rules, alert, expr);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(mutated.resolve(RULES.getFileName()), new Yaml(options).dump(rules));
        Files.copy(TESTS, mutated.resolve(TESTS.getFileName()));
        Result r = promtool("test", "rules", mutated.resolve(TESTS.getFileName()).toString());
        String what = alert + " with expr " + expr;
        assertNotEquals(0, r.exitCode, "the unit tests pass with " + what + ":\n" + r.output);
        assertTrue(
            r.output.contains("alertname: " + alert),
            "the unit tests fail with " + what + ", but not on " + alert + ":\n" + r.output);
      }
    }
  }

  @Test
  void everyAlertLinksToItsRunbookSection() throws Exception {
    String runbook = Files.readString(RUNBOOK, StandardCharsets.UTF_8);
    Set<String> sections = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^## (Fleetlearn\\w+)\\s*$").matcher(runbook);
    while (m.find()) {
      sections.add(m.group(1));
    }
    Set<String> alerts = new TreeSet<>();
    for (Map<String, Object> rule : rules(loadRules())) {
      String alert = (String) rule.get("alert");
      if (alert == null) {
        continue;
      }
      alerts.add(alert);
      @SuppressWarnings("unchecked")
      Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
      assertEquals(
          "docs/runbook.md#" + alert.toLowerCase(Locale.ROOT),
          annotations == null ? null : annotations.get("runbook_url"),
          alert + ": runbook_url");
      for (String key : List.of("summary", "description")) {
        assertTrue(annotations.containsKey(key), alert + " has no " + key);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
      assertTrue(
          labels != null && List.of("warning", "critical").contains(labels.get("severity")),
          alert + ": severity is neither warning nor critical");
    }
    assertEquals(alerts, sections, "alerts of " + RULES + " vs sections of " + RUNBOOK);
  }

  private static Map<String, Object> loadRules() throws IOException {
    try (Reader r = Files.newBufferedReader(RULES, StandardCharsets.UTF_8)) {
      return new Yaml().load(r);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(Map<String, Object> file) {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      all.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return all;
  }

  private static List<String> alertNames(Map<String, Object> file) {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> rule : rules(file)) {
      if (rule.get("alert") != null) {
        names.add((String) rule.get("alert"));
      }
    }
    return names;
  }

  private static void replaceExpression(Map<String, Object> file, String alert, String expr) {
    for (Map<String, Object> rule : rules(file)) {
      if (alert.equals(rule.get("alert"))) {
        rule.put("expr", expr);
        return;
      }
    }
    fail("no alert " + alert);
  }

  private String assertSucceeds(String... args) throws Exception {
    Result r = promtool(args);
    assertEquals(0, r.exitCode, "promtool " + String.join(" ", args) + ":\n" + r.output);
    return r.output;
  }

  private record Result(int exitCode, String output) {}

  /** Runs promtool to completion (bounded), with its output. */
  private Result promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(promtool.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "promtool", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
