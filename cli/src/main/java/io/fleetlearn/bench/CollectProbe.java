package io.fleetlearn.bench;

import io.fleetlearn.dataset.WindowSample;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Where a benchmark pipeline on the embedded runner (same JVM) reports the window samples it
 * collected: how many events they hold and when the last one arrived. One probe per run id.
 */
final class CollectProbe {
  private static final Map<String, CollectProbe> PROBES = new ConcurrentHashMap<>();

  final AtomicLong events = new AtomicLong();
  final AtomicLong samples = new AtomicLong();
  volatile long lastNanos;

  static CollectProbe of(String id) {
    return PROBES.computeIfAbsent(id, k -> new CollectProbe());
  }

  static void remove(String id) {
    PROBES.remove(id);
  }

  /** The terminal step of the ingest pipeline: counts the events in each fired sample. */
  static final class RecordCollectedFn extends DoFn<KV<String, WindowSample>, Void> {
    private final String id;

    RecordCollectedFn(String id) {
      this.id = id;
    }

    @ProcessElement
    public void process(@Element KV<String, WindowSample> e) {
      CollectProbe p = of(id);
      p.samples.incrementAndGet();
      p.events.addAndGet(e.getValue().seen());
      p.lastNanos = System.nanoTime();
    }
  }
}
