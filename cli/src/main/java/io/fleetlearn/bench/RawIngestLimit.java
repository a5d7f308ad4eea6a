package io.fleetlearn.bench;

import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The ingest limit: plain {@link KafkaConsumer} loops, one per thread with the topic's partitions
 * dealt out among them, parsing every record with the pipeline's {@link SensorEventParser}, until
 * each partition's end offset (taken at start) is reached. Nothing else: no framework, no shuffle,
 * no state.
 */
final class RawIngestLimit {
  private RawIngestLimit() {}

  /** What one drain measured. */
  static final class Result {
    final long records;
    final long accepted;
    final long nanos;

    Result(long records, long accepted, long nanos) {
      this.records = records;
      this.accepted = accepted;
      this.nanos = nanos;
    }

    double perSecond() {
      return records * 1e9 / nanos;
    }
  }

  /**
   * Drains {@code topic} from the beginning with {@code threads} consumers. The time runs from the
   * first record any thread receives to the last record any thread parses.
   */
  static Result drain(
      String bootstrapServers,
      String topic,
      int partitions,
      int threads,
      SensorEventParser parser,
      Duration timeout)
      throws InterruptedException {
    AtomicLong first = new AtomicLong(Long.MAX_VALUE);
    AtomicLong last = new AtomicLong(Long.MIN_VALUE);
    AtomicLong records = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int t = 0; t < threads; t++) {
      List<TopicPartition> mine = new ArrayList<>();
      for (int p = t; p < partitions; p += threads) {
        mine.add(new TopicPartition(topic, p));
      }
      if (mine.isEmpty()) {
        continue;
      }
      Thread w =
          new Thread(
              () -> {
                try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrapServers)) {
                  c.assign(mine);
                  c.seekToBeginning(mine);
                  Map<TopicPartition, Long> end = c.endOffsets(mine);
                  long n = 0;
                  long ok = 0;
                  while (!done(c, end) && System.nanoTime() < deadline) {
                    ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(100));
                    if (batch.isEmpty()) {
                      continue;
                    }
                    first.accumulateAndGet(System.nanoTime(), Math::min);
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                      n++;
                      if (parser.parse(r.value(), r.timestamp()).isAccepted()) {
                        ok++;
                      }
                    }
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                  }
                  records.addAndGet(n);
                  accepted.addAndGet(ok);
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              "raw-ingest-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("raw consumer failed: " + failures.get(0), failures.get(0));
    }
    return new Result(records.get(), accepted.get(), Math.max(1, last.get() - first.get()));
  }

  private static boolean done(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** The product's plain reader of a topic (no group, read_committed, from the earliest). */
  static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    return KafkaClients.reader(
        KafkaClientConfig.of(Map.of("bootstrap.servers", bootstrapServers)), "fleetlearn-bench");
  }
}
