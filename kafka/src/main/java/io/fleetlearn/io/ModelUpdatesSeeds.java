package io.fleetlearn.io;

import io.fleetlearn.registry.ChampionSeed;
import io.fleetlearn.registry.RegistrySeeds;
import io.fleetlearn.registry.SeedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link RegistrySeeds} from the compacted model-updates topic, read with plain consumers (no
 * group, nothing committed, {@code read_committed}).
 *
 * <p>A lookup first reads the whole topic once and keeps, per key, only where its latest record is
 * and the highest version any of its records carries (a few dozen bytes per machine, not the
 * models). A machine's model is fetched when the registry asks for it, by a second consumer that
 * seeks to that one record. Before each such fetch the index catches up with what was appended
 * since (at most once per {@link #CATCH_UP_INTERVAL}), so a warm start published while the job runs
 * is seen. A tombstone removes its key.
 *
 * <p>The index also keeps where the latest {@link #RECENT} records of each key are, by the window
 * and pane they decided ({@link ChampionSeed#readWindow}), so that {@link Lookup#decided} can find
 * the record of a window that a replay decides again. Compaction may remove such a record once its
 * segment is closed; then the window is decided again.
 */
public final class ModelUpdatesSeeds implements RegistrySeeds {
  private static final long serialVersionUID = 1L;

  /** Catch-ups of a lookup are at least this far apart. */
  static final Duration CATCH_UP_INTERVAL = Duration.ofSeconds(1);

  /** Records per key whose window the index keeps: the windows a replay can recognise. */
  static final int RECENT = 32;

  private final KafkaClientConfig kafka;
  private final String topic;
  private final Duration timeout;
  private final boolean recogniseDecided;

  public ModelUpdatesSeeds(KafkaClientConfig kafka, String topic, Duration timeout) {
    this(kafka, topic, timeout, false);
  }

  /**
   * @param recogniseDecided whether {@link Lookup#decided} answers (for at-least-once publishing,
   *     where a replay finds on the topic the records of the windows it decides again); otherwise
   *     it always returns null and a replayed window is decided again
   */
  public ModelUpdatesSeeds(
      KafkaClientConfig kafka, String topic, Duration timeout, boolean recogniseDecided) {
    this.kafka = kafka;
    this.topic = topic;
    this.timeout = timeout;
    this.recogniseDecided = recogniseDecided;
  }

  @Override
  public Lookup open() {
    return new KafkaLookup(kafka, topic, timeout, recogniseDecided);
  }

  /** Where a key's latest record is, and the highest version of all its records. */
  private static final class Entry {
    int partition;
    long offset;
    long highestVersion = -1;
    final ArrayDeque<Decided> recent = new ArrayDeque<>();
  }

  /** Where the record that decided a window is. */
  private record Decided(String window, int partition, long offset) {}

  private static final class KafkaLookup implements Lookup {
    private final String topic;
    private final Duration timeout;
    private final boolean recogniseDecided;
    private final TopicTail tail;
    private final KafkaConsumer<byte[], byte[]> fetcher;
    private final Map<String, Entry> index = new HashMap<>();
    private long lastCatchUpNanos;
    private boolean started;

    KafkaLookup(KafkaClientConfig kafka, String topic, Duration timeout, boolean recogniseDecided) {
      this.topic = topic;
      this.timeout = timeout;
      this.recogniseDecided = recogniseDecided;
      this.tail = new TopicTail(kafka, List.of(topic), "fleetlearn-registry-seeds-tail", Map.of());
      this.fetcher = KafkaClients.reader(kafka, "fleetlearn-registry-seeds-fetch");
    }

    @Override
    public long highestVersion(String machineId) throws IOException {
      if (!started) {
        try {
          catchUp();
        } catch (KafkaException e) {
          throw new IOException("reading " + topic + ": " + e, e);
        }
      }
      Entry e = index.get(machineId);
      return e == null ? -1 : e.highestVersion;
    }

    @Override
    public @Nullable SeedRecord latest(String machineId) throws IOException {
      try {
        if (!started || System.nanoTime() - lastCatchUpNanos >= CATCH_UP_INTERVAL.toNanos()) {
          catchUp();
        }
        for (int attempt = 0; attempt < 2; attempt++) {
          Entry e = index.get(machineId);
          if (e == null) {
            return null;
          }
          String where = topic + "-" + e.partition + "@" + e.offset;
          byte[] value = fetch(machineId, e.partition, e.offset);
          if (value != null) {
            return new SeedRecord(value, e.highestVersion, where);
          }
          if (attempt == 0) {
            catchUp(); // compacted away: a newer record of the key exists
          } else {
            return new SeedRecord(null, e.highestVersion, where);
          }
        }
        return null;
      } catch (KafkaException e) {
        throw new IOException("reading " + topic + ": " + e, e);
      }
    }

    @Override
    public @Nullable SeedRecord decided(String machineId, long windowStartMillis, long pane)
        throws IOException {
      if (!recogniseDecided) {
        return null;
      }
      try {
        if (!started || System.nanoTime() - lastCatchUpNanos >= CATCH_UP_INTERVAL.toNanos()) {
          catchUp();
        }
        Entry e = index.get(machineId);
        if (e == null) {
          return null;
        }
        String window = ChampionSeed.windowKey(windowStartMillis, pane);
        Iterator<Decided> newestFirst = e.recent.descendingIterator();
        while (newestFirst.hasNext()) {
          Decided d = newestFirst.next();
          if (d.window().equals(window)) {
            byte[] value = fetch(machineId, d.partition(), d.offset());
            return value == null
                ? null
                : new SeedRecord(
                    value, e.highestVersion, topic + "-" + d.partition() + "@" + d.offset());
          }
        }
        return null;
      } catch (KafkaException e) {
        throw new IOException("reading " + topic + ": " + e, e);
      }
    }

    /** Reads the topic from where it stopped to the current end (the last stable offset). */
    private void catchUp() throws IOException {
      started = true;
      lastCatchUpNanos = System.nanoTime();
      tail.readToEnd(
          timeout,
          r -> {
            if (r.key() == null) {
              return;
            }
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
              index.remove(key);
              return;
            }
            Entry e = index.computeIfAbsent(key, k -> new Entry());
            e.partition = r.partition();
            e.offset = r.offset();
            e.highestVersion = Math.max(e.highestVersion, ChampionSeed.readVersion(r.value()));
            String window = recogniseDecided ? ChampionSeed.readWindow(r.value()) : null;
            if (window != null) {
              if (e.recent.size() == RECENT) {
                e.recent.removeFirst();
              }
              e.recent.addLast(new Decided(window, r.partition(), r.offset()));
            }
          });
    }

    /** The value of the record at the entry's position, or null if it is no longer there. */
    private byte @Nullable [] fetch(String machineId, int partition, long offset)
        throws IOException {
      TopicPartition tp = new TopicPartition(topic, partition);
      fetcher.assign(List.of(tp));
      fetcher.seek(tp, offset);
      byte[] key = machineId.getBytes(StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() - deadline < 0) {
        for (ConsumerRecord<byte[], byte[]> r : fetcher.poll(Duration.ofMillis(200))) {
          if (r.offset() < offset) {
            continue;
          }
          return r.offset() == offset && Arrays.equals(r.key(), key) ? r.value() : null;
        }
        if (fetcher.position(tp, timeout) > offset) {
          return null; // nothing at or after the offset is readable any more
        }
      }
      throw new IOException("could not fetch " + topic + "-" + partition + "@" + offset);
    }

    @Override
    public void close() {
      tail.close();
      fetcher.close(Duration.ofSeconds(5));
    }
  }
}
