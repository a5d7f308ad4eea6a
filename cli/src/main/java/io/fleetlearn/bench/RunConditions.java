package io.fleetlearn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/** What the results depend on: the machine, its load, the JVM and the library versions. */
final class RunConditions {
  private RunConditions() {}

  /** The 1, 5 and 15 minute load averages, or "unknown" where the OS does not say. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", l);
    }
  }

  static String cpu() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
      for (String l : lines) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: say what the JVM knows.
    }
    return System.getProperty("os.arch");
  }

  static String memory() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      long bytes = ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
    return "unknown";
  }

  static String jvm() {
    return System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + "), max heap "
        + String.format(Locale.ROOT, "%,d MiB", Runtime.getRuntime().maxMemory() >> 20)
        + ", GC "
        + String.join(
            "/",
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName)
                .toList());
  }

  static String os() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  /** A Maven artifact's version from the pom.properties its jar carries, or "unknown". */
  static String version(String groupId, String artifactId) {
    String path = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = RunConditions.class.getResourceAsStream(path)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // Fall through.
    }
    return "unknown";
  }
}
