package io.fleetlearn.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The checkpoint directory of jobs on the embedded mini-cluster: one temporary directory per JVM,
 * removed when the JVM exits (an embedded job's checkpoints cannot outlive its JVM anyway).
 */
final class EmbeddedCheckpoints {
  private static Path directory;

  private EmbeddedCheckpoints() {}

  static synchronized Path directory() {
    if (directory == null) {
      try {
        directory = Files.createTempDirectory("fleetlearn-checkpoints-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a checkpoint directory", e);
      }
      Path dir = directory;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> deleteQuietly(dir), "delete-embedded-checkpoints"));
    }
    return directory;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // Best effort at exit: a leftover temporary directory is harmless.
    }
  }
}
