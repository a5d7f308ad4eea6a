package io.fleetlearn.scoring;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Parsed models of one scoring DoFn instance, by key (machine id, or the fleet model's sha256),
 * least recently used first out; an evicted or replaced evaluator is closed. A model is parsed once
 * per instance and version, never per event. A model that failed to load is remembered too (with a
 * null evaluator) so it is not re-parsed for every event. Not thread-safe: a DoFn instance runs one
 * bundle at a time.
 */
final class EvaluatorCache {
  /**
   * A cached model: the version it was loaded from, its evaluator (null if loading failed) and its
   * alert threshold (NaN when it carries none).
   */
  static final class Entry {
    final long version;
    final @Nullable ModelEvaluator evaluator;
    final double threshold;

    Entry(long version, @Nullable ModelEvaluator evaluator, double threshold) {
      this.version = version;
      this.evaluator = evaluator;
      this.threshold = threshold;
    }

    /** The model's threshold, or {@code fallback} when it carries none. */
    double thresholdOr(double fallback) {
      return Double.isNaN(threshold) ? fallback : threshold;
    }
  }

  private final int capacity;
  private final LinkedHashMap<String, Entry> map;

  EvaluatorCache(int capacity) {
    this.capacity = capacity;
    this.map = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true);
  }

  /** The entry of {@code key} if it holds {@code version}. */
  @Nullable Entry get(String key, long version) {
    Entry e = map.get(key);
    return e != null && e.version == version ? e : null;
  }

  /**
   * The evaluator of {@code key} at {@code version}; on a miss, {@code loader} parses the bytes
   * {@code model} supplies (read only then) and the result, null when it could not load, is kept.
   */
  @Nullable ModelEvaluator getOrLoad(
      String key,
      long version,
      Supplier<byte @Nullable []> model,
      Function<byte[], @Nullable ModelEvaluator> loader) {
    return entry(key, version, model, loader, () -> Double.NaN).evaluator;
  }

  /**
   * As {@link #getOrLoad}, with the model's threshold, which {@code threshold} supplies (read only
   * on a miss, like the bytes).
   */
  Entry entry(
      String key,
      long version,
      Supplier<byte @Nullable []> model,
      Function<byte[], @Nullable ModelEvaluator> loader,
      DoubleSupplier threshold) {
    Entry cached = get(key, version);
    if (cached != null) {
      return cached;
    }
    byte[] bytes = model.get();
    ModelEvaluator evaluator = bytes == null ? null : loader.apply(bytes);
    return put(key, version, evaluator, threshold.getAsDouble());
  }

  void put(String key, long version, @Nullable ModelEvaluator evaluator) {
    put(key, version, evaluator, Double.NaN);
  }

  Entry put(String key, long version, @Nullable ModelEvaluator evaluator, double threshold) {
    Entry entry = new Entry(version, evaluator, threshold);
    Entry old = map.put(key, entry);
    if (old != null && old.evaluator != null && old.evaluator != evaluator) {
      old.evaluator.close();
    }
    if (map.size() > capacity) {
      Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
      Entry eldest = it.next().getValue();
      it.remove();
      if (eldest.evaluator != null) {
        eldest.evaluator.close();
      }
    }
    return entry;
  }

  int size() {
    return map.size();
  }

  void clear() {
    for (Entry e : map.values()) {
      if (e.evaluator != null) {
        e.evaluator.close();
      }
    }
    map.clear();
  }
}
