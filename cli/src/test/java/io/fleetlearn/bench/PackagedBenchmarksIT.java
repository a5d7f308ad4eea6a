package io.fleetlearn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark commands as a user runs them: {@code java -jar target/fleetlearn.jar bench} and
 * {@code bench-scoring}, from the shaded jar (which, unlike the test classpath, has no
 * DirectRunner), at sizes that take a minute. Each must exit 0 and report measured numbers in every
 * section. They once refused to start from the jar ("No Runner was specified").
 */
class PackagedBenchmarksIT {
  private static final Pattern NUMBER_ROW = Pattern.compile("\\| [0-9][0-9,]* \\|");

  @TempDir Path dir;

  @Test
  void benchRunsFromTheShadedJarAndReportsEverySection() throws Exception {
    Path out = dir.resolve("bench.md");
    String log =
        runJar(
            List.of("bench", "--ingestEvents=5000", "--retrainMachines=10", "--output=" + out),
            dir.resolve("bench.log"),
            8);
    assertTrue(Files.isRegularFile(out), "results file written:\n" + log);
    String md = Files.readString(out, StandardCharsets.UTF_8);
    for (String section : List.of("### Ingest", "### Retraining", "### Memory")) {
      assertTrue(md.contains(section), section + " in\n" + md);
    }
    assertTrue(md.contains("**pipeline 1**") && md.contains("**pipeline 2**"), "A B A B in\n" + md);
    assertTrue(NUMBER_ROW.matcher(md).find(), "rows with measured numbers in\n" + md);
    assertTrue(
        md.contains("| 10 | first window | 5,000 |")
            && md.contains("| 10 | steady state | 5,000 |"),
        "the 10-machine retraining rows in\n" + md);
  }

  @Test
  void benchScoringRunsFromTheShadedJar() throws Exception {
    String log =
        runJar(
            List.of(
                "bench-scoring",
                "--events=2000",
                "--nativeEvents=500",
                "--models=5",
                "--runs=1",
                "--trainRows=500"),
            dir.resolve("bench-scoring.log"),
            3);
    assertTrue(log.contains("| pure-Java trees, per event |"), log);
    assertTrue(log.contains("| xgboost4j inplace_predict, per event |"), log);
  }

  /** {@code java -jar fleetlearn.jar ARGS} in {@link #dir}; its output (exit code 0 asserted). */
  private String runJar(List<String> args, Path log, int timeoutMinutes) throws Exception {
    Path jar =
        Path.of(System.getProperty("fleetlearn.jar", "cli/target/fleetlearn.jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded jar is built in the package phase: " + jar);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    p.getOutputStream().close();
    boolean done;
    try {
      done = p.waitFor(timeoutMinutes, TimeUnit.MINUTES);
    } finally {
      // The bench starts a broker in a JVM of its own: on a timeout, stop it too.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(
        done, String.join(" ", args) + " did not finish in " + timeoutMinutes + " min:\n" + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
