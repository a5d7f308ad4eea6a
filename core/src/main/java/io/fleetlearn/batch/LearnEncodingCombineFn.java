package io.fleetlearn.batch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * Counts the values of each categorical column over all rows and builds the {@link TabularEncoder}:
 * per column the {@code maxCategories} most frequent values (ties broken by value), listed in
 * sorted order. Only category counts cross the network, never rows.
 */
final class LearnEncodingCombineFn
    extends CombineFn<TabularRecord, Map<String, Map<String, Long>>, TabularEncoder> {
  private final TabularSchema schema;

  LearnEncodingCombineFn(TabularSchema schema) {
    this.schema = schema;
  }

  @Override
  public Map<String, Map<String, Long>> createAccumulator() {
    return new HashMap<>();
  }

  @Override
  public Map<String, Map<String, Long>> addInput(
      Map<String, Map<String, Long>> acc, TabularRecord r) {
    for (String c : schema.categoricalColumns()) {
      String v = schema.value(r.values(), c);
      if (!schema.missing().isMissing(v)) {
        acc.computeIfAbsent(c, k -> new HashMap<>()).merge(v.trim(), 1L, Long::sum);
      }
    }
    return acc;
  }

  @Override
  public Map<String, Map<String, Long>> mergeAccumulators(
      Iterable<Map<String, Map<String, Long>>> accs) {
    Map<String, Map<String, Long>> merged = new HashMap<>();
    for (Map<String, Map<String, Long>> a : accs) {
      for (Map.Entry<String, Map<String, Long>> c : a.entrySet()) {
        Map<String, Long> m = merged.computeIfAbsent(c.getKey(), k -> new HashMap<>());
        c.getValue().forEach((v, n) -> m.merge(v, n, Long::sum));
      }
    }
    return merged;
  }

  @Override
  public TabularEncoder extractOutput(Map<String, Map<String, Long>> acc) {
    return schema.encoder(vocabulary(acc, schema.maxCategories()));
  }

  /** The most frequent {@code max} values of each column, sorted by value. */
  static Map<String, List<String>> vocabulary(Map<String, Map<String, Long>> counts, int max) {
    Map<String, List<String>> vocab = new HashMap<>();
    for (Map.Entry<String, Map<String, Long>> c : counts.entrySet()) {
      List<Map.Entry<String, Long>> entries = new ArrayList<>(c.getValue().entrySet());
      entries.sort(
          Map.Entry.<String, Long>comparingByValue()
              .reversed()
              .thenComparing(Map.Entry.comparingByKey()));
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < Math.min(max, entries.size()); i++) {
        kept.add(entries.get(i).getKey());
      }
      kept.sort(null);
      vocab.put(c.getKey(), kept);
    }
    return vocab;
  }

  @Override
  public Coder<Map<String, Map<String, Long>>> getAccumulatorCoder(
      CoderRegistry registry, Coder<TabularRecord> inputCoder) {
    return MapCoder.of(StringUtf8Coder.of(), MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  @Override
  public Coder<TabularEncoder> getDefaultOutputCoder(
      CoderRegistry registry, Coder<TabularRecord> inputCoder) {
    return TabularEncoderCoder.of();
  }
}
