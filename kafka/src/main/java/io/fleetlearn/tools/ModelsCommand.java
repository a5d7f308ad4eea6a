package io.fleetlearn.tools;

import io.fleetlearn.client.ModelRegistryClient;
import io.fleetlearn.client.ModelRegistryClient.MachineModel;
import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.tools.options.KafkaOptions;
import io.fleetlearn.tools.options.ModelsOptions;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.XgbTrainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@code models list|show|export}: the registry as the {@link ModelRegistryClient} sees it, read
 * from the compacted model-updates topic. {@code list} prints one line per machine (version, last
 * status, champion metrics); {@code show --machine=ID} prints one machine's record in full (without
 * the model bytes); {@code export --machine=ID --output=FILE} writes its current model (sha256
 * verified) as UBJ or XGBoost JSON.
 */
public final class ModelsCommand extends Command {
  public ModelsCommand() {
    super(
        "models",
        "list|show|export: the latest model of each machine from model-updates",
        "models list|show|export: reads the compacted model-updates topic of an existing Kafka\n"
            + "(--bootstrapServers is required) with the registry client and prints\n"
            + "  list                          one line per machine: version, last status, AUC, F1\n"
            + "  show --machine=ID             one machine's latest record and current model\n"
            + "  export --machine=ID --output=FILE [--format=ubj|json]\n"
            + "                                its current model (sha256 verified) to a file\n"
            + "@fleet is the fleet model.");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(ModelsOptions.class, KafkaOptions.class);
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    if (args.length == 0 || args[0].startsWith("--")) {
      throw new IllegalArgumentException("models needs a subcommand: list, show or export");
    }
    String sub = args[0];
    if (!List.of("list", "show", "export").contains(sub)) {
      throw new IllegalArgumentException(
          "unknown models subcommand '" + sub + "' (list, show or export)");
    }
    ModelsOptions o = parse(Arrays.copyOfRange(args, 1, args.length), ModelsOptions.class);
    if (!sub.equals("list") && o.getMachine().isEmpty()) {
      throw new IllegalArgumentException("models " + sub + " needs --machine=ID");
    }
    if (sub.equals("export") && o.getOutput().isEmpty()) {
      throw new IllegalArgumentException("models export needs --output=FILE");
    }
    KafkaClientConfig kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    try (ModelRegistryClient client = ModelRegistryClient.start(kafka, o.getModelUpdatesTopic())) {
      Duration timeout = Duration.ofMillis(Durations.parse(o.getTimeout()).getMillis());
      if (!client.awaitCaughtUp(timeout)) {
        out.println("Warning: not all of " + o.getModelUpdatesTopic() + " was read in " + timeout);
      }
      switch (sub) {
        case "list":
          return list(client, out);
        case "show":
          return show(client, o.getMachine(), out);
        default:
          return export(client, o, out);
      }
    }
  }

  private static String metric(Optional<ModelUpdate> champion, boolean auc) {
    ClassificationMetrics m = champion.map(ModelUpdate::metrics).orElse(null);
    return m == null ? "    -" : String.format(Locale.ROOT, "%5.3f", auc ? m.auc() : m.f1());
  }

  private static int list(ModelRegistryClient client, PrintStream out) {
    List<MachineModel> all = client.models();
    all.sort(Comparator.comparing(MachineModel::machineId));
    out.printf(
        "%-24s %7s  %-11s  %9s  %-8s  %5s  %5s  %-24s  %s%n",
        "machine",
        "version",
        "kind",
        "threshold",
        "status",
        "AUC",
        "F1",
        "trained on (window end)",
        "last window");
    for (MachineModel m : all) {
      Optional<ModelUpdate> c = m.champion();
      out.printf(
          "%-24s %7s  %-11s  %9s  %-8s  %5s  %5s  %-24s  %s%n",
          m.machineId(),
          m.version() == 0 ? "-" : Long.toString(m.version()),
          c.map(u -> u.modelKind().name()).orElse("-"),
          c.map(u -> String.format(Locale.ROOT, "%.3f", m.threshold())).orElse("-"),
          m.latest().status(),
          metric(c, true),
          metric(c, false),
          c.map(u -> Instant.ofEpochMilli(u.modelWindowEnd()).toString()).orElse("-"),
          Instant.ofEpochMilli(m.latest().windowEnd()));
    }
    long withModel = all.stream().filter(m -> m.version() > 0).count();
    out.printf(
        "%d entries, %d with a model; %d records read, %d refused%n",
        all.size(), withModel, client.recordsRead(), client.refusedRecords());
    return 0;
  }

  private static int show(ModelRegistryClient client, String machine, PrintStream out) {
    Optional<MachineModel> found = client.model(machine);
    if (found.isEmpty()) {
      out.println("No record of " + machine);
      return 1;
    }
    MachineModel m = found.get();
    ModelUpdate l = m.latest();
    out.println("machine:      " + m.machineId());
    out.println("version:      " + (m.version() == 0 ? "none" : m.version()));
    out.println(
        "last record:  "
            + l.status()
            + " for window "
            + Instant.ofEpochMilli(l.windowStart())
            + " - "
            + Instant.ofEpochMilli(l.windowEnd())
            + " (pane "
            + l.paneIndex()
            + ")");
    out.println("reason:       " + l.reason());
    out.println(
        "samples:      "
            + l.events()
            + " events, "
            + l.labelled()
            + " labelled, "
            + l.positives()
            + " defects");
    out.println("features:     " + l.features());
    out.println("params:       " + l.params());
    m.champion()
        .ifPresent(
            c -> {
              out.println(
                  "model:        v"
                      + c.version()
                      + ", trained on "
                      + Instant.ofEpochMilli(c.modelWindowStart())
                      + " - "
                      + Instant.ofEpochMilli(c.modelWindowEnd())
                      + ", "
                      + c.model().length
                      + " bytes (xgboost-ubj), sha256 "
                      + c.modelSha256()
                      + ", scored by "
                      + m.evaluatorKind().orElse("-"));
              out.println(
                  "kind:         "
                      + c.modelKind()
                      + ", alert threshold "
                      + String.format(Locale.ROOT, "%.3f", m.threshold())
                      + (Double.isNaN(c.modelThreshold()) ? " (none in the record: default)" : ""));
              out.println("metrics:      " + describe(c.metrics()));
            });
    out.println("last metrics: " + describe(l.metrics()));
    out.println("champion on that holdout: " + describe(l.championMetrics()));
    out.println("fleet on that holdout:    " + describe(l.fleetMetrics()));
    if (l.selection() != null) {
      out.println(
          "challenger:   "
              + l.selection().kind()
              + " (validation AUC "
              + l.selection().validationAuc()
              + " on "
              + l.selection().validationRows()
              + " rows): "
              + l.selection().reason());
    }
    return 0;
  }

  private static String describe(ClassificationMetrics m) {
    if (m == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "AUC %.3f F1 %.3f precision %.3f recall %.3f accuracy %.3f logLoss %.3f%s",
        m.auc(),
        m.f1(),
        m.precision(),
        m.recall(),
        m.accuracy(),
        m.logLoss(),
        m.hasCounts()
            ? String.format(
                Locale.ROOT,
                "  at %s: tp %d fp %d tn %d fn %d",
                Double.isNaN(m.threshold())
                    ? "each model's threshold"
                    : String.format(Locale.ROOT, "%.3f", m.threshold()),
                m.tp(),
                m.fp(),
                m.tn(),
                m.fn())
            : "");
  }

  private static int export(ModelRegistryClient client, ModelsOptions o, PrintStream out)
      throws Exception {
    Optional<ModelUpdate> champion = client.model(o.getMachine()).flatMap(MachineModel::champion);
    if (champion.isEmpty()) {
      out.println("No model for " + o.getMachine());
      return 1;
    }
    byte[] bytes = champion.get().model();
    String format = o.getFormat().toLowerCase(Locale.ROOT);
    if (format.equals("json")) {
      Booster b = XgbTrainer.load(bytes);
      try {
        bytes = b.toByteArray("json");
      } finally {
        b.dispose();
      }
    } else if (!format.equals("ubj")) {
      throw new IllegalArgumentException("--format must be ubj or json");
    }
    Path file = Path.of(o.getOutput());
    Files.write(file, bytes);
    out.printf(
        "Wrote %s v%d (%s, %d bytes, sha256 of the UBJ model %s) to %s%n",
        o.getMachine(),
        champion.get().version(),
        format,
        bytes.length,
        champion.get().modelSha256(),
        file);
    return 0;
  }
}
