package io.fleetlearn.scoring;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
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
  /** A cached model: the version it was loaded from and its evaluator (null if loading failed). */
  static final class Entry {
    final long version;
    final @Nullable ModelEvaluator evaluator;

    Entry(long version, @Nullable ModelEvaluator evaluator) {
      this.version = version;
      this.evaluator = evaluator;
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
    Entry cached = get(key, version);
    if (cached != null) {
      return cached.evaluator;
    }
    byte[] bytes = model.get();
    ModelEvaluator evaluator = bytes == null ? null : loader.apply(bytes);
    put(key, version, evaluator);
    return evaluator;
  }

  void put(String key, long version, @Nullable ModelEvaluator evaluator) {
    Entry old = map.put(key, new Entry(version, evaluator));
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
