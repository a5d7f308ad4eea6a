package io.fleetlearn.job;

import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Whether this program runs as a Flink program: under {@code flink run}, or inside a JobManager in
 * application mode (the Flink Kubernetes Operator). Flink installs a context environment then, and
 * the FlinkRunner's default master {@code [auto]} submits to that cluster instead of starting an
 * embedded one.
 */
final class FlinkClientContext {
  private FlinkClientContext() {}

  static boolean active() {
    // Without a context, Flink hands out a local environment (nothing starts until execute).
    return !(StreamExecutionEnvironment.getExecutionEnvironment()
        instanceof LocalStreamEnvironment);
  }
}
