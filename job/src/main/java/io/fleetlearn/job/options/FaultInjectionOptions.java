package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A fault drill: make the running job fail once, on purpose, to watch (or test) the runner restore
 * it from its last checkpoint. Off by default.
 */
public interface FaultInjectionOptions extends PipelineOptions {
  @Description(
      "Fault drill: after this many model updates in one worker JVM the job throws once, and the"
          + " runner restarts it from its last checkpoint (see --numberOfExecutionRetries and"
          + " --executionRetryDelay). 0 = off. Needs --failOnceMarker.")
  @Default.Integer(0)
  int getFailOnceAfterUpdates();

  void setFailOnceAfterUpdates(int value);

  @Description(
      "Fault drill for the exactly-once sinks: right after this many committed transactions in"
          + " one worker JVM (over all shards and output topics) the sink throws once, before the"
          + " checkpoint that follows the commit completes; the restored job hands the committed"
          + " records over again and the sink skips them. 0 = off. Needs --failOnceMarker.")
  @Default.Integer(0)
  int getFailOnceAfterCommits();

  void setFailOnceAfterCommits(int value);

  @Description(
      "Fault drill: a file that is created when the failure is injected (by either drill); while it exists, no"
          + " further failure is injected (so the restarted job runs on).")
  @Default.String("")
  String getFailOnceMarker();

  void setFailOnceMarker(String value);
}
