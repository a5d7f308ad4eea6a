package io.fleetlearn.job;

import java.util.Optional;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.runtime.jobgraph.SavepointConfigOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Whether this program runs as a Flink program: under {@code flink run}, or inside a JobManager in
 * application mode (the Flink Kubernetes Operator). Flink installs a context environment then, and
 * the FlinkRunner's default master {@code [auto]} submits to that cluster instead of starting an
 * embedded one.
 */
final class FlinkClientContext {
  /** {@code execution.target} of application mode: the JobManager runs {@code main} itself. */
  private static final String APPLICATION_MODE_TARGET = "embedded";

  private FlinkClientContext() {}

  static boolean active() {
    // Without a context, Flink hands out a local environment (nothing starts until execute).
    return !(StreamExecutionEnvironment.getExecutionEnvironment()
        instanceof LocalStreamEnvironment);
  }

  /**
   * The savepoint or retained checkpoint that Flink restores the job from when it comes through
   * Flink's configuration rather than {@code --savepointPath}: {@code flink run -s PATH}, or the
   * operator's savepoint upgrades ({@code execution.savepoint.path}).
   */
  static Optional<String> restorePath() {
    return contextConfiguration()
        .flatMap(c -> c.getOptional(SavepointConfigOptions.SAVEPOINT_PATH))
        .filter(p -> !p.isBlank());
  }

  /**
   * Application mode: {@code main} runs in the JobManager, and runs again when a JobManager fails
   * over and recovers the job from its last checkpoint.
   */
  static boolean applicationMode() {
    return contextConfiguration()
        .flatMap(c -> c.getOptional(DeploymentOptions.TARGET))
        .filter(APPLICATION_MODE_TARGET::equals)
        .isPresent();
  }

  private static Optional<ReadableConfig> contextConfiguration() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    return env instanceof LocalStreamEnvironment
        ? Optional.empty()
        : Optional.of(env.getConfiguration());
  }
}
