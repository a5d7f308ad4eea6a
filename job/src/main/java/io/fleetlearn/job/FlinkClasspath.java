package io.fleetlearn.job;

/**
 * The job jar leaves Flink to the cluster: {@code run} and {@code train} need Flink's classes,
 * which {@code flink run}, a JobManager or the CLI jar provide. Run from the job jar alone they
 * would fail deep in the runner with a {@code NoClassDefFoundError}; this says what to do instead.
 */
final class FlinkClasspath {
  private static final String PROBE =
      "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment";

  private FlinkClasspath() {}

  /**
   * @throws IllegalStateException if Flink is not on the classpath
   */
  static void require(String command) {
    try {
      Class.forName(PROBE, false, FlinkClasspath.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          command
              + " needs Flink, and the job jar leaves Flink to the cluster. Submit it with"
              + " `flink run fleetlearn-job.jar "
              + command
              + " ...`, put a Flink distribution's lib/ on the classpath (java -cp"
              + " \"fleetlearn-job.jar:$FLINK_HOME/lib/*\" io.fleetlearn.job.Main "
              + command
              + " ...), or use the command-line jar fleetlearn.jar, which embeds Flink.");
    }
  }
}
