package io.fleetlearn.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CPU time of this JVM's threads over a phase, added up by what the threads do: Flink names a
 * task's thread after its chain of operators, so the trainers, the registry, the sources and the
 * sinks each show as one line (their subtasks together). Unlike the sampling profile, this counts
 * time in native code (xgboost4j's training) exactly as time in Java. What no Java thread accounts
 * for (the garbage collector, the JIT compiler, OpenMP's threads) is the process's CPU less the
 * sum.
 */
final class ThreadCpu {
  private static final Pattern SUBTASK = Pattern.compile(" \\(\\d+/\\d+\\)(#\\d+)?$");
  private static final Pattern NUMBERS = Pattern.compile("\\d+");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> startNanos = new HashMap<>();
  private final long processStart;

  private ThreadCpu() {
    processStart = ProcessCpu.nanos();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        startNanos.put(id, cpu);
      }
    }
  }

  /** Starts counting, if the JVM measures thread CPU time; else null. */
  static ThreadCpu start() {
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    if (!t.isThreadCpuTimeSupported()) {
      return null;
    }
    if (!t.isThreadCpuTimeEnabled()) {
      t.setThreadCpuTimeEnabled(true);
    }
    return new ThreadCpu();
  }

  /** What a thread does, from its name: the operator chain of a Flink task, numbers dropped. */
  static String group(String name) {
    String g = SUBTASK.matcher(name).replaceFirst("");
    int bar = g.indexOf(" | ");
    if (bar > 0) {
      g = g.substring(0, bar); // Kafka clients: "kafka-producer-network-thread | producer-7"
    }
    if (!g.contains("(")) {
      g = NUMBERS.matcher(g).replaceAll("N"); // pools: "pool-3-thread-2"
    }
    return g.length() > 110 ? g.substring(0, 107) + "..." : g;
  }

  /** A Markdown section: CPU seconds by thread group since {@link #start}, largest first. */
  String summarise(String title, int top) {
    Map<String, Long> byGroup = new HashMap<>();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      ThreadInfo info = threads.getThreadInfo(id);
      if (cpu < 0 || info == null) {
        continue;
      }
      long used = cpu - startNanos.getOrDefault(id, 0L);
      if (used <= 0) {
        continue;
      }
      byGroup.merge(group(info.getThreadName()), used, Long::sum);
      sum += used;
    }
    long process = processStart < 0 ? -1 : ProcessCpu.nanos() - processStart;
    long total = Math.max(sum, process);
    Map<String, Long> rows = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(top)
        .forEach(e -> rows.put(e.getKey(), e.getValue()));
    long shown = rows.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder b = new StringBuilder();
    b.append("#### ").append(title).append("\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "This JVM used %.1f s of CPU; its Java threads %.1f s, listed by what they run (Flink"
                + " names a task's thread after its operator chain; subtasks added up). Thread CPU"
                + " counts native code such as xgboost4j's training; the rest of the process's CPU"
                + " is the garbage collector's, the JIT compiler's and other native threads'.%n%n",
            total / 1e9,
            sum / 1e9));
    b.append("| CPU s | share | threads |\n|---:|---:|---|\n");
    for (Map.Entry<String, Long> e : rows.entrySet()) {
      b.append(row(e.getValue(), total, "`" + e.getKey().replace("|", "/") + "`"));
    }
    if (sum > shown) {
      b.append(row(sum - shown, total, "other Java threads"));
    }
    if (process > sum) {
      b.append(
          row(
              process - sum,
              total,
              "not in a Java thread still running: GC, JIT, native (OpenMP) threads, threads that"
                  + " ended"));
    }
    return b.append('\n').toString();
  }

  private static String row(long nanos, long total, String what) {
    return String.format(
        Locale.ROOT, "| %.2f | %.1f%% | %s |%n", nanos / 1e9, 100.0 * nanos / total, what);
  }
}
