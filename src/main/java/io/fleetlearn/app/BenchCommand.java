package io.fleetlearn.app;

import io.fleetlearn.app.options.BenchOptions;
import io.fleetlearn.app.options.RetrainingOptions;
import io.fleetlearn.bench.BenchmarkSuite;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.pipeline.RetrainingConfig;
import java.beans.Introspector;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code bench}: the performance benchmarks against the limits of the same machine, in the same run
 * ({@link BenchmarkSuite}). The bench's own options are those of {@link BenchOptions}; every other
 * flag goes to the pipelines under test, as it would to {@code run}.
 */
final class BenchCommand {
  private BenchCommand() {}

  static int run(String[] args, PrintStream out) throws Exception {
    Set<String> own = ownOptions();
    List<String> benchArgs = new ArrayList<>();
    List<String> passthrough = new ArrayList<>();
    for (String a : args) {
      String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : a;
      (own.contains(name) ? benchArgs : passthrough).add(a);
    }
    // No withValidation(): it resolves a default runner (the DirectRunner, which the shaded jar
    // does not have) before the pipelines under test get theirs. Unknown flags are still refused.
    BenchOptions o =
        PipelineOptionsFactory.fromArgs(benchArgs.toArray(new String[0])).as(BenchOptions.class);
    return new BenchmarkSuite(o, List.of(args), passthrough, new RetrainingJobs(), out).run();
  }

  private static Set<String> ownOptions() {
    Set<String> names = new HashSet<>();
    for (Method m : BenchOptions.class.getDeclaredMethods()) {
      String n = m.getName();
      if (n.startsWith("get") && m.getParameterCount() == 0) {
        names.add(Introspector.decapitalize(n.substring(3)));
      } else if (n.startsWith("is") && m.getParameterCount() == 0) {
        names.add(Introspector.decapitalize(n.substring(2)));
      }
    }
    return names;
  }

  /** The product's retraining job, built exactly as {@code run} builds it. */
  private static final class RetrainingJobs implements BenchmarkSuite.Jobs {
    @Override
    public PipelineOptions options(List<String> args) {
      return RetrainingJob.parseOptions(args.toArray(new String[0]), RetrainingOptions.class);
    }

    @Override
    public RetrainingConfig config(PipelineOptions options) {
      return RetrainingJob.config(options.as(RetrainingOptions.class));
    }

    @Override
    public KafkaClientConfig kafka(PipelineOptions options) throws IOException {
      return RetrainingJob.kafka(options.as(RetrainingOptions.class));
    }

    @Override
    public Pipeline retrainingJob(PipelineOptions options) throws IOException {
      return RetrainingJob.build(options.as(RetrainingOptions.class));
    }
  }
}
