package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The job jar that {@code flink run}, the image and the FlinkDeployment use leaves Flink to the
 * cluster and carries nothing of the tools that only one machine needs: no Flink runtime, no Kafka
 * broker, no Scala (a Flink cluster loads {@code scala.*} parent-first from its own Scala 2.12), no
 * logging backend, no demo or benchmark code; and it stays small.
 */
class JobJarIT {
  /** The size the job jar must stay within (docs and README quote the actual size). */
  private static final long MAX_BYTES = 150L * 1024 * 1024;

  private static Path jar() {
    return Path.of(System.getProperty("fleetlearn.job.jar", "job/target/fleetlearn-job.jar"))
        .toAbsolutePath();
  }

  @Test
  void theJobJarHasNoFlinkRuntimeNoBrokerNoScalaAndStaysSmall() throws IOException {
    Path jar = jar();
    long size = Files.size(jar);
    System.out.printf("%s: %.1f MB%n", jar.getFileName(), size / 1024.0 / 1024.0);
    assertTrue(size <= MAX_BYTES, "the job jar is " + size + " bytes");
    List<String> unwanted = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      f.stream()
          .map(e -> e.getName())
          .filter(
              n ->
                  n.startsWith("org/apache/flink/") // Flink itself: the cluster's
                      || (n.startsWith("kafka/") && n.endsWith(".class")) // the broker (kafka_2.13)
                      || n.startsWith("org/apache/zookeeper/")
                      || n.startsWith("scala/") // any Scala library, compiler or reflection
                      || n.startsWith("com/fasterxml/jackson/module/scala/")
                      || n.startsWith("org/slf4j/") // logging is the cluster's
                      || n.startsWith("org/apache/logging/log4j/")
                      || n.startsWith("io/fleetlearn/cli/")
                      || n.startsWith("io/fleetlearn/bench/")
                      || n.startsWith("io/fleetlearn/io/embedded/"))
          .limit(20)
          .forEach(unwanted::add);
      assertEquals(List.of(), unwanted, "classes that do not belong in the job jar");
      assertTrue(f.getEntry("io/fleetlearn/job/RetrainingJob.class") != null);
      assertTrue(f.getEntry("org/apache/beam/runners/flink/FlinkRunner.class") != null);
      assertTrue(f.getEntry("ml/dmlc/xgboost4j/java/Booster.class") != null);
      Manifest m = f.getManifest();
      assertEquals(
          "io.fleetlearn.job.Main", m.getMainAttributes().getValue("Main-Class"), "flink run");
      assertTrue(m.getMainAttributes().getValue("Implementation-Version") != null);
    }
  }
}
