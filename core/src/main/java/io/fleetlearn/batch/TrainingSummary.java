package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one run wrote, read back from its output directory (any Beam filesystem): the per-entity
 * metadata and the global comparison of that run id (files of older runs in the same directory are
 * counted, not shown), formatted as the table {@code train} prints.
 */
public final class TrainingSummary {
  private final List<JsonNode> entities;
  private final @Nullable JsonNode global;
  private final int otherRuns;
  private final String output;

  private TrainingSummary(
      List<JsonNode> entities, @Nullable JsonNode global, int otherRuns, String output) {
    this.entities = entities;
    this.global = global;
    this.otherRuns = otherRuns;
    this.output = output;
  }

  /** Reads the files of run {@code runId} under {@code output}. */
  public static TrainingSummary read(String output, String runId) throws IOException {
    String dir = output.endsWith("/") ? output : output + "/";
    List<JsonNode> entities = new ArrayList<>();
    int other = 0;
    for (MatchResult.Metadata m :
        match(dir + EntityModelFiles.DIR + "*" + EntityModelFiles.METADATA_SUFFIX)) {
      JsonNode n = readJson(m.resourceId());
      if (runId.equals(n.path("runId").asText())) {
        entities.add(n);
      } else {
        other++;
      }
    }
    entities.sort(Comparator.comparing(n -> n.path("entity").asText()));
    JsonNode global = null;
    for (MatchResult.Metadata m :
        match(dir + CompareWithGlobalModel.DIR + CompareWithGlobalModel.COMPARISON_FILE)) {
      JsonNode n = readJson(m.resourceId());
      if (runId.equals(n.path("runId").asText())) {
        global = n;
      }
    }
    return new TrainingSummary(Collections.unmodifiableList(entities), global, other, dir);
  }

  private static List<MatchResult.Metadata> match(String spec) throws IOException {
    MatchResult r = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
    return r.status() == MatchResult.Status.OK ? r.metadata() : List.of();
  }

  static byte[] readAll(ResourceId file) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      return in.readAllBytes();
    }
  }

  private static JsonNode readJson(ResourceId file) throws IOException {
    return EntityModelFiles.MAPPER.readTree(readAll(file));
  }

  /** The output directory, ending in '/'. */
  public String output() {
    return output;
  }

  /** The run's per-entity metadata, sorted by entity. */
  public List<JsonNode> entities() {
    return entities;
  }

  /** The run's {@code global/comparison.json}, or null without {@code --compareGlobal}. */
  public @Nullable JsonNode global() {
    return global;
  }

  public long trained() {
    return entities.stream().filter(n -> n.path("status").asText().equals("TRAINED")).count();
  }

  /** The summary table; {@code counters} are the job's {@link BatchCounters} totals. */
  public String format(Map<String, Long> counters) {
    StringBuilder b = new StringBuilder();
    if (!counters.isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "Rows: %d read, %d filtered out, %d rejected, %d used (%d of them unlabelled).%n",
              counters.getOrDefault(BatchCounters.ROWS_READ, 0L),
              counters.getOrDefault(BatchCounters.ROWS_FILTERED_OUT, 0L),
              counters.getOrDefault(BatchCounters.ROWS_REJECTED, 0L),
              counters.getOrDefault(BatchCounters.ROWS_ENCODED, 0L),
              counters.getOrDefault(BatchCounters.ROWS_UNLABELLED, 0L)));
      for (Map.Entry<String, Long> e : counters.entrySet()) {
        if (e.getKey().startsWith(BatchCounters.REJECTED_PREFIX) && e.getValue() > 0) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "  rejected %-18s %d%n",
                  e.getKey().substring(BatchCounters.REJECTED_PREFIX.length()),
                  e.getValue()));
        }
      }
      if (counters.getOrDefault(BatchCounters.ROWS_REJECTED, 0L) > 0) {
        b.append("  (each rejected row is in ")
            .append(output)
            .append(WriteRejectedRows.PREFIX)
            .append("-*.jsonl)\n");
      }
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n%-12s %-8s %-11s %7s %8s %9s %6s %7s %9s %6s %6s %9s %6s %8s%n",
            "entity",
            "status",
            "kind",
            "rows",
            "labelled",
            "positives",
            "train",
            "holdout",
            "threshold",
            "AUC",
            "F1",
            "precision",
            "recall",
            "accuracy"));
    for (JsonNode n : entities) {
      JsonNode s = n.path("samples");
      boolean trained = n.path("status").asText().equals("TRAINED");
      b.append(
          String.format(
              Locale.ROOT,
              "%-12s %-8s %-11s %7d %8d %9d %6d %7d",
              n.path("entity").asText(),
              n.path("status").asText(),
              trained ? n.path("model").path("kind").asText("OWN") : "-",
              s.path("rows").asLong(),
              s.path("labelled").asLong(),
              s.path("positives").asLong(),
              s.path("train").asLong(),
              s.path("holdout").asLong()));
      if (trained) {
        b.append(String.format(Locale.ROOT, " %9.3f", n.path("threshold").asDouble()));
        b.append(metricsRow(n.path("metrics")));
      } else {
        b.append("  ").append(n.path("reason").asText());
      }
      b.append('\n');
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%d entities: %d trained, %d skipped. Models and metadata in %s%s%n",
            entities.size(),
            trained(),
            entities.size() - trained(),
            output,
            EntityModelFiles.DIR));
    if (otherRuns > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "(%d metadata file(s) of earlier runs in that directory were not shown.)%n",
              otherRuns));
    }
    if (global != null) {
      b.append('\n');
      if (!global.path("status").asText().equals("TRAINED")) {
        b.append("Global model: not trained: ").append(global.path("reason").asText()).append('\n');
      } else {
        JsonNode gs = global.path("samples");
        b.append(
            String.format(
                Locale.ROOT,
                "Served per-entity models vs one global model on the same holdout (%d rows; global"
                    + " model trained on %d rows):%n",
                gs.path("holdout").asLong(),
                gs.path("train").asLong()));
        b.append(
            String.format(
                Locale.ROOT,
                "%-12s %-11s %7s %6s %6s %9s %6s %8s%n",
                "holdout",
                "model",
                "rows",
                "AUC",
                "F1",
                "precision",
                "recall",
                "accuracy"));
        for (JsonNode e : global.path("entities")) {
          b.append(
              String.format(
                  Locale.ROOT,
                  "%-12s %-11s %7d%s%n",
                  e.path("entity").asText(),
                  e.path("kind").asText("OWN"),
                  e.path("holdout").asLong(),
                  metricsRow(e.path("perEntityModel"))));
          b.append(
              String.format(
                  Locale.ROOT,
                  "%-12s %-11s %7d%s%n",
                  "",
                  "global",
                  e.path("holdout").asLong(),
                  metricsRow(e.path("globalModel"))));
        }
        JsonNode pooled = global.path("pooledHoldout");
        b.append(
            String.format(
                Locale.ROOT,
                "%-12s %-11s %7d%s%n",
                "all",
                "served",
                gs.path("holdout").asLong(),
                metricsRow(pooled.path("perEntityModels"))));
        b.append(
            String.format(
                Locale.ROOT,
                "%-12s %-11s %7d%s%n",
                "",
                "global",
                gs.path("holdout").asLong(),
                metricsRow(pooled.path("globalModel"))));
        b.append("Global model and comparison in ")
            .append(output)
            .append(CompareWithGlobalModel.DIR)
            .append('\n');
      }
    }
    return b.toString();
  }

  private static String metricsRow(JsonNode m) {
    return String.format(
        Locale.ROOT,
        " %6.3f %6.3f %9.3f %6.3f %8.3f",
        m.path("auc").asDouble(),
        m.path("f1").asDouble(),
        m.path("precision").asDouble(),
        m.path("recall").asDouble(),
        m.path("accuracy").asDouble());
  }
}
