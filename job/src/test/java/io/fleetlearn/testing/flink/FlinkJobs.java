package io.fleetlearn.testing.flink;

import io.fleetlearn.job.RetrainingJob;
import io.fleetlearn.job.options.RetrainingOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;

/** Starts the retraining job on the embedded Flink runner against a test broker. */
public final class FlinkJobs {
  private FlinkJobs() {}

  /**
   * Runs the job (detached) on topics {@code prefix}events/updates/drift/dlq with 20 s windows, no
   * allowed lateness, 1 s out-of-orderness, 2 s idle timeout, 2 s checkpoints and no scoring; each
   * {@code --flag=value} in {@code extra} replaces the default of the same flag.
   */
  public static PipelineResult start(String bootstrapServers, String prefix, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrapServers=" + bootstrapServers,
                "--sensorEventsTopic=" + prefix + "events",
                "--modelUpdatesTopic=" + prefix + "updates",
                "--driftMetricsTopic=" + prefix + "drift",
                "--deadLetterTopic=" + prefix + "dlq",
                "--consumerGroup=" + prefix + "group",
                "--windowSize=20s",
                "--allowedLateness=0s",
                "--maxOutOfOrderness=1s",
                "--idleTimeout=2s",
                "--checkpointingInterval=2000",
                "--parallelism=2",
                // Scoring off unless a test asks for it (it then names a predictions topic it
                // created): the fleet model's @fleet records would join the per-machine updates.
                "--predictionsTopic="));
    for (String e : extra) {
      String name = e.substring(0, e.indexOf('=') + 1);
      args.removeIf(a -> a.startsWith(name));
      args.add(e);
    }
    RetrainingOptions o =
        RetrainingJob.parseOptions(args.toArray(new String[0]), RetrainingOptions.class);
    return RetrainingJob.build(o).run();
  }
}
