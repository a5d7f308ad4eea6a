package io.fleetlearn.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time this JVM has used, all its threads (the pipeline's, the raw consumers', the JIT's and
 * the garbage collector's) together. The broker runs in a JVM of its own and is left out of every
 * measurement alike.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Nanoseconds of CPU this process has used so far; -1 where the JVM cannot tell. */
  static long nanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
