package io.fleetlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.CommandLine;
import io.fleetlearn.tools.options.KafkaOptions;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the fat jar reports a mistake on its command line the same way, before it starts
 * anything: one message on standard error that names the command, a pointer to its help, nothing on
 * standard output, no stack trace, exit code {@value CommandLine#USAGE_ERROR}. The mistakes: an
 * unknown option, an options file or a Kafka properties file that does not exist.
 */
class CommandConventionsTest {
  /** Arguments a command needs before its options (models has subcommands). */
  private static final Map<String, List<String>> LEADING = Map.of("models", List.of("list"));

  @TempDir Path dir;

  private record Outcome(int exitCode, String out, String err) {}

  /**
   * One class loader per command, as if each ran in a JVM of its own, as in the product: several
   * commands have options of the same name with other defaults ({@code --output}, {@code
   * --format}), which Beam refuses once their interfaces were validated in one JVM (it checks each
   * options interface against every one validated before).
   */
  private static final Map<String, URLClassLoader> LOADERS = new HashMap<>();

  @AfterAll
  static void closeLoaders() throws Exception {
    for (URLClassLoader l : LOADERS.values()) {
      l.close();
    }
  }

  private static URLClassLoader loader(String command) throws Exception {
    URLClassLoader l = LOADERS.get(command);
    if (l == null) {
      List<URL> urls = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(Path.of(entry).toUri().toURL());
      }
      l = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
      LOADERS.put(command, l);
    }
    return l;
  }

  /** Runs the fat jar's command line, in the command's own class loader. */
  private static Outcome run(List<String> args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    URLClassLoader loader = loader(args.get(0));
    Method run =
        loader
            .loadClass(Main.class.getName())
            .getMethod("run", String[].class, PrintStream.class, PrintStream.class);
    // Beam finds Jackson modules through the context class loader: the command's own.
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    int code;
    try {
      code = (Integer) run.invoke(null, args.toArray(new String[0]), o, e);
    } finally {
      Thread.currentThread().setContextClassLoader(context);
    }
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<String> args(Command c, String... options) {
    List<String> args = new ArrayList<>();
    args.add(c.name());
    args.addAll(LEADING.getOrDefault(c.name(), List.of()));
    args.addAll(List.of(options));
    return args;
  }

  private static void assertUsageError(Outcome o, String command, String says) {
    String what = command + ": " + o;
    assertEquals(CommandLine.USAGE_ERROR, o.exitCode, what);
    assertEquals("", o.out, what);
    assertTrue(o.err.startsWith("fleetlearn " + command + ": "), what);
    assertTrue(o.err.contains(says), what);
    assertTrue(o.err.contains(command + " --help"), what);
    assertFalse(o.err.contains("\tat "), "a stack trace: " + what);
  }

  @Test
  void everyCommandRefusesAnUnknownOption() throws Exception {
    for (Command c : Main.commands()) {
      Outcome o = run(args(c, "--noSuchOption=1"));
      assertUsageError(o, c.name(), "unknown option --noSuchOption");
    }
  }

  @Test
  void everyCommandSaysWhenItsOptionsFileIsMissing() throws Exception {
    Path missing = dir.resolve("missing.properties");
    for (Command c : Main.commands()) {
      assertUsageError(
          run(args(c, "--optionsFile=" + missing)),
          c.name(),
          "cannot read the options file " + missing);
    }
  }

  @Test
  void everyCommandThatTalksToKafkaSaysWhenItsPropertiesFileIsMissing() throws Exception {
    Path missing = dir.resolve("client.properties");
    int checked = 0;
    for (Command c : Main.commands()) {
      boolean kafka = c.options().stream().anyMatch(KafkaOptions.class::isAssignableFrom);
      if (!kafka || List.of("demo", "soak", "train").contains(c.name())) {
        continue; // demo and soak start a broker of their own; train publishes only on request
      }
      assertUsageError(
          run(args(c, "--kafkaProperties=" + missing)),
          c.name(),
          "cannot read the Kafka properties file " + missing);
      checked++;
    }
    assertEquals(6, checked, "run, topics, simulate, consume, models, monitor");
  }

  @Test
  void runRefusesToRestoreASavepointOnTheEmbeddedRunner() throws Exception {
    // Before it waits for Kafka: nothing listens on the broker's address.
    Outcome o =
        run(
            List.of(
                "run",
                "--bootstrapServers=127.0.0.1:9",
                "--kafkaWaitTimeout=1s",
                "--savepointPath=" + dir.resolve("savepoint-1")));
    assertUsageError(o, "run", "--savepointPath cannot be restored on the embedded runner");
    assertTrue(o.err.contains("flink run -s <savepointPath>"), o.err);
  }

  @Test
  void versionComesFromTheManifestOrSaysItIsADevelopmentBuild() throws Exception {
    Outcome o = run(List.of("--version"));
    assertEquals(0, o.exitCode, o.toString());
    assertTrue(
        o.out.matches("fleetlearn (\\d+\\.\\d+\\.\\d+\\S*|\\(development build\\))\\n"), o.out);
    assertEquals("", o.err);
  }

  @Test
  void runHelpListsEveryOptionOnceAndNoRunnerDefaultRunDoesNotUse() throws Exception {
    Outcome o = run(List.of("run", "--help"));
    assertEquals(0, o.exitCode, o.toString());
    Map<String, Integer> seen = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^  --(\\w+)=").matcher(o.out);
    while (m.find()) {
      seen.merge(m.group(1), 1, Integer::sum);
    }
    assertTrue(seen.size() > 50, o.out);
    seen.forEach((name, count) -> assertEquals(1, count, "--" + name + " listed " + count + "x"));
    // Beam's core options (runner, jobName, ...) are accepted but not listed, and the Flink
    // runner's
    // own options are listed with the values run applies.
    assertFalse(seen.containsKey("runner"), o.out);
    assertFalse(o.out.contains("DirectRunner"), o.out);
  }
}
