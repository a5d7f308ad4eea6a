package io.fleetlearn.app;

import io.fleetlearn.app.options.BatchTrainOptions;
import io.fleetlearn.app.options.BenchOptions;
import io.fleetlearn.app.options.BenchScoringOptions;
import io.fleetlearn.app.options.ConsumeOptions;
import io.fleetlearn.app.options.DemoOptions;
import io.fleetlearn.app.options.EventOptions;
import io.fleetlearn.app.options.FaultInjectionOptions;
import io.fleetlearn.app.options.KafkaOptions;
import io.fleetlearn.app.options.MetricsOptions;
import io.fleetlearn.app.options.ModelsOptions;
import io.fleetlearn.app.options.MonitorOptions;
import io.fleetlearn.app.options.ScoringOptions;
import io.fleetlearn.app.options.SimulatorOptions;
import io.fleetlearn.app.options.SoakOptions;
import io.fleetlearn.app.options.TopicsOptions;
import io.fleetlearn.app.options.TrainingOptions;
import io.fleetlearn.app.options.WindowingOptions;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The command line of the product jar, which is also the Flink job jar:
 *
 * <pre>
 * java -jar fleetlearn.jar demo|run|simulate|consume|topics|train|monitor|models|soak|bench|bench-scoring
 *     [--option=value ...]
 * </pre>
 */
public final class Main {
  private Main() {}

  private static final String USAGE =
      String.join(
          "\n",
          "fleetlearn: continuous per-machine XGBoost retraining on Apache Beam and Flink.",
          "",
          "Usage: java -jar target/fleetlearn.jar COMMAND [--option=value ...]",
          "",
          "Commands:",
          "  demo      start an embedded Kafka broker, the sensor simulator and the pipeline on the",
          "            embedded Flink runner; print model updates as they are published",
          "  run       run the retraining pipeline against an existing Kafka (embedded Flink by",
          "            default; --flinkMaster=HOST:PORT submits to a Flink cluster)",
          "  simulate  produce simulated sensor events to an existing Kafka",
          "  consume   print the model updates of an existing Kafka's model-updates topic",
          "  topics    create the product's topics (or those of a KafkaTopic YAML file) and exit",
          "  train     train one model per entity from history files (CSV/JSONL) in a batch job;",
          "            optionally publish them on model-updates as version-1 champions",
          "  monitor   export per-machine and fleet gauges from an existing Kafka's model-updates",
          "            and drift-metrics topics for Prometheus",
          "  soak      benchmark: embedded broker, simulator and pipeline at a fixed rate (default",
          "            twice the sustainable rate for 10 minutes); reports heap, lag and recovery",
          "  models    list|show|export: the latest model of each machine from model-updates",
          "  bench-scoring  measure scoring latency and throughput (pure-Java trees vs xgboost4j)",
          "  bench     measure ingest, retraining and memory against the raw Kafka consumer and",
          "            raw xgboost4j on this machine; write the results to BENCHMARKS.md",
          "",
          "COMMAND --help lists the command's options with their defaults.");

  public static void main(String[] args) throws Exception {
    int code;
    try {
      code = run(args, System.out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Bad options and unreachable services are the user's to fix: say what, not a stack trace.
      System.err.println("fleetlearn: " + e.getMessage());
      code = 1;
    }
    if (args.length > 0
        && (args[0].equals("run") || args[0].equals("train"))
        && FlinkClientContext.active()) {
      // Under `flink run`, or in a JobManager in application mode, main must return: System.exit
      // would end the Flink client, or in application mode the JobManager itself.
      if (code != 0) {
        throw new IllegalStateException(args[0] + " failed with exit code " + code);
      }
      return;
    }
    System.exit(code);
  }

  static int run(String[] args, PrintStream out) throws Exception {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    boolean help = Arrays.stream(rest).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    switch (command) {
      case "demo":
        return help
            ? help(
                out,
                "demo",
                DEMO_HELP,
                DemoOptions.class,
                SimulatorOptions.class,
                KafkaOptions.class,
                WindowingOptions.class,
                TrainingOptions.class,
                EventOptions.class,
                MetricsOptions.class,
                ScoringOptions.class,
                MonitorOptions.class,
                FlinkPipelineOptions.class)
            : DemoCommand.run(rest, out);
      case "run":
        return help
            ? help(
                out,
                "run",
                RUN_HELP,
                KafkaOptions.class,
                WindowingOptions.class,
                TrainingOptions.class,
                EventOptions.class,
                MetricsOptions.class,
                FaultInjectionOptions.class,
                ScoringOptions.class,
                FlinkPipelineOptions.class)
            : RunCommand.run(rest, out);
      case "simulate":
        return help
            ? help(out, "simulate", SIMULATE_HELP, SimulatorOptions.class, KafkaOptions.class)
            : SimulateCommand.run(rest, out);
      case "topics":
        return help
            ? help(out, "topics", TOPICS_HELP, TopicsOptions.class, KafkaOptions.class)
            : TopicsCommand.run(rest, out);
      case "consume":
        return help
            ? help(out, "consume", CONSUME_HELP, ConsumeOptions.class, KafkaOptions.class)
            : ConsumeCommand.run(rest, out);
      case "train":
        return help
            ? help(out, "train", TRAIN_HELP, BatchTrainOptions.class, FlinkPipelineOptions.class)
            : TrainCommand.run(rest, out);
      case "soak":
        return help
            ? help(
                out,
                "soak",
                SOAK_HELP,
                SoakOptions.class,
                SimulatorOptions.class,
                KafkaOptions.class,
                WindowingOptions.class,
                TrainingOptions.class,
                EventOptions.class,
                MetricsOptions.class,
                FlinkPipelineOptions.class)
            : SoakCommand.run(rest, out);
      case "monitor":
        return help
            ? help(out, "monitor", MONITOR_HELP, MonitorOptions.class, KafkaOptions.class)
            : MonitorCommand.run(rest, out);
      case "models":
        return help
            ? help(out, "models", MODELS_HELP, ModelsOptions.class)
            : ModelsCommand.run(rest, out);
      case "bench-scoring":
        return help
            ? help(out, "bench-scoring", BENCH_SCORING_HELP, BenchScoringOptions.class)
            : BenchScoringCommand.run(rest, out);
      case "bench":
        return help
            ? help(out, "bench", BENCH_HELP, BenchOptions.class)
            : BenchCommand.run(rest, out);
      default:
        out.println("Unknown command: " + command + "\n\n" + USAGE);
        return 2;
    }
  }

  private static final String DEMO_HELP =
      "Runs everything on this machine: a single-node Kafka broker (KRaft) on 127.0.0.1 in its own\n"
          + "JVM, the sensor simulator, and the retraining pipeline on the embedded Flink runner.\n"
          + "Prints one line per model update and a summary; Ctrl-C or --duration stops it, and the\n"
          + "broker and its temporary data directory are removed.";
  private static final String RUN_HELP =
      "Runs the retraining pipeline against an existing Kafka (--bootstrapServers is required).\n"
          + "Creates missing topics (model-updates compacted). Any Beam or Flink runner option is\n"
          + "accepted, e.g. --flinkMaster=HOST:PORT --parallelism=4 --checkpointingInterval=60000.\n"
          + "--optionsFile=PATH reads options from a properties file (windowSize = 5m, one per line;\n"
          + "the command line wins), e.g. config/pipeline.properties.";
  private static final String SIMULATE_HELP =
      "Produces simulated sensor events to an existing Kafka (--bootstrapServers is required).";
  private static final String TOPICS_HELP =
      "Creates the topics that are missing on an existing Kafka (--bootstrapServers is required)\n"
          + "and exits: those of --topicDefinitions=FILE (Strimzi KafkaTopic resources, e.g.\n"
          + "config/kafka/topics.yaml), or the standard topics. Existing topics are left alone.";
  private static final String CONSUME_HELP =
      "Prints the records of the model-updates topic as readable lines.";
  private static final String MONITOR_HELP =
      "Reads the model-updates and drift-metrics topics of an existing Kafka (--bootstrapServers\n"
          + "is required) and serves per-machine gauges for the --worstMachines worst machines (and\n"
          + "--watchMachines) plus fleet aggregates on http://127.0.0.1:9260/metrics until Ctrl-C.";

  private static final String SOAK_HELP =
      "A benchmark, not a test: runs an embedded Kafka broker, the sensor simulator and the\n"
          + "pipeline on the embedded Flink runner at --rate events/s (default twice the sustainable\n"
          + "rate) for --duration (default 10m), then stops the load and waits for the consumer lag\n"
          + "to return to 0. Samples heap (live set after a full GC, high-water), consumer lag,\n"
          + "event-time lag and the registry's state bounds every --sampleInterval and writes a\n"
          + "Markdown report to --output (default benchmarks/soak.md). Give it heap, e.g.\n"
          + "  java -Xmx2g -jar target/fleetlearn.jar soak";
  private static final String MODELS_HELP =
      "models list|show|export: reads the compacted model-updates topic of an existing Kafka\n"
          + "(--bootstrapServers is required) with the registry client and prints\n"
          + "  list                          one line per machine: version, last status, AUC, F1\n"
          + "  show --machine=ID             one machine's latest record and current model\n"
          + "  export --machine=ID --output=FILE [--format=ubj|json]\n"
          + "                                its current model (sha256 verified) to a file\n"
          + "@fleet is the fleet model.";
  private static final String BENCH_SCORING_HELP =
      "Measures per-event scoring latency and throughput on this machine: the pure-Java tree\n"
          + "evaluator, xgboost4j inplace_predict one event at a time, and xgboost4j on batches,\n"
          + "on models trained here with the product's parameters. Prints a Markdown table.";
  private static final String BENCH_HELP =
      "Starts a Kafka broker (KRaft, 127.0.0.1, own JVM) and measures, in one run on this machine:\n"
          + "ingest events/s of read+parse+window+collect on the embedded Flink runner against plain\n"
          + "KafkaConsumer loops that parse the same pre-filled topic; for each fleet size, the time\n"
          + "from the watermark passing a window's end to the last model update being readable,\n"
          + "against xgboost4j training the same samples on all cores; and heap and state bytes per\n"
          + "machine. Replaces the generated section of --output (default BENCHMARKS.md). Flags not\n"
          + "listed below go to the pipelines under test, e.g. --objectReuse=false.\n"
          + "Takes 15-25 minutes with the defaults; a quick check:\n"
          + "  java -jar target/fleetlearn.jar bench --ingestEvents=100000 --retrainMachines=100"
          + " --output=/tmp/bench.md";

  private static final String TRAIN_HELP =
      "Trains one XGBoost model per entity from history files in a batch job (the Flink runner's\n"
          + "embedded mini-cluster by default; under `flink run`, that cluster), with the streaming\n"
          + "pipeline's sampling and trainer.\n"
          + "Writes OUTPUT/entities/<entity>.ubj|json and <entity>.metadata.json, rejected rows to\n"
          + "OUTPUT/rejected/, prints a summary table. --compareGlobal adds one global model on the\n"
          + "same holdout; --publishModels publishes the models as version-1 champions on Kafka.\n"
          + "Example (from the repository root):\n"
          + "  java -jar target/fleetlearn.jar train \\\n"
          + "    --input=src/test/resources/ai4i2020/ai4i2020.csv --output=/tmp/ai4i-models \\\n"
          + "    --entityColumns=Type --labelColumn='Machine failure' \\\n"
          + "    --numericColumns='Air temperature [K],Process temperature [K],Rotational speed"
          + " [rpm],Torque [Nm],Tool wear [min]' \\\n"
          + "    --compareGlobal=true";

  @SafeVarargs
  private static int help(
      PrintStream out,
      String command,
      String text,
      Class<? extends PipelineOptions>... interfaces) {
    out.println("Usage: java -jar target/fleetlearn.jar " + command + " [--option=value ...]\n");
    out.println(text);
    out.println();
    for (Class<? extends PipelineOptions> i : List.of(interfaces)) {
      PipelineOptionsFactory.printHelp(out, i);
    }
    return 0;
  }
}
