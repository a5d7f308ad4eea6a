package io.fleetlearn.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus server and promtool for the tests that run them: found on PATH, or installed from
 * the Debian package {@code prometheus} when the tests run as root (as CI does).
 */
public final class PrometheusPackage {
  private PrometheusPackage() {}

  /**
   * The path of {@code command} ({@code prometheus} or {@code promtool}) on PATH. Missing: installs
   * the Debian package {@code prometheus} when running as root, else fails saying how to install
   * it. {@code dir} receives the logs of the commands run.
   */
  public static Path ensureInstalled(String command, Path dir)
      throws IOException, InterruptedException {
    Path found = onPath(command);
    if (found != null) {
      return found;
    }
    if (!isRoot(dir)) {
      fail(
          command
              + " is not on PATH and this user cannot install it. Install the Prometheus server and"
              + " promtool (Debian/Ubuntu: sudo apt-get install -y prometheus), then run again.");
    }
    for (String[] c :
        new String[][] {
          {"apt-get", "update", "-qq"}, {"apt-get", "install", "-y", "-qq", "prometheus"}
        }) {
      ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Path out = Files.createTempFile(dir, "apt", ".log");
      Process p = pb.redirectOutput(out.toFile()).start();
      boolean done = p.waitFor(10, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      if (!done || p.exitValue() != 0) {
        fail(String.join(" ", c) + " failed:\n" + Files.readString(out));
      }
    }
    found = onPath(command);
    if (found == null) {
      fail("apt-get installed prometheus, but " + command + " is still not on PATH");
    }
    return found;
  }

  private static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static boolean isRoot(Path dir) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "id", ".log");
    Process p =
        new ProcessBuilder("id", "-u")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return Files.readString(out).trim().equals("0");
  }
}
