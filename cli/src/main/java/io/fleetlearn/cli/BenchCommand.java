package io.fleetlearn.cli;

import io.fleetlearn.bench.BenchmarkSuite;
import io.fleetlearn.cli.options.BenchOptions;
import io.fleetlearn.command.Command;
import io.fleetlearn.command.OptionsFile;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.job.RetrainingJob;
import io.fleetlearn.job.options.RetrainingOptions;
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
public final class BenchCommand extends Command {
  public BenchCommand() {
    super(
        "bench",
        "measure ingest, retraining and memory against the raw Kafka consumer and raw xgboost4j"
            + " on this machine; write the results to BENCHMARKS.md",
        "Starts a Kafka broker (KRaft, 127.0.0.1, own JVM) and measures, in one run on this machine:\n"
            + "ingest events/s of read+parse+window+collect on the embedded Flink runner against plain\n"
            + "KafkaConsumer loops that parse the same pre-filled topic; for each fleet size, the time\n"
            + "from the watermark passing a window's end to the last model update being readable,\n"
            + "against xgboost4j training the same samples on all cores; and heap and state bytes per\n"
            + "machine. Replaces the generated section of --output (default BENCHMARKS.md). Flags not\n"
            + "listed below go to the pipelines under test, e.g. --objectReuse=false.\n"
            + "Takes 15-25 minutes with the defaults; a quick check:\n"
            + "  java -jar cli/target/fleetlearn.jar bench --ingestEvents=100000 --retrainMachines=100"
            + " --output=/tmp/bench.md");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(BenchOptions.class);
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    Set<String> own = ownOptions();
    List<String> benchArgs = new ArrayList<>();
    List<String> passthrough = new ArrayList<>();
    for (String a : args) {
      String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0] : a;
      (own.contains(name) ? benchArgs : passthrough).add(a);
    }
    BenchOptions o = parse(benchArgs.toArray(new String[0]), BenchOptions.class);
    // The other options are the job's: check them now, so that a typo is a usage error (exit 2)
    // rather than every benchmark failing in the results.
    PipelineOptionsFactory.fromArgs(OptionsFile.expand(passthrough.toArray(new String[0])))
        .as(RetrainingOptions.class);
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
