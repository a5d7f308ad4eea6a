package io.fleetlearn.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the model-updates topic (read_committed, from the beginning) on a thread of its own until
 * it has seen an update of one window for {@code expected} distinct machines, and notes when the
 * last of them became readable and the latest producer timestamp among them.
 */
final class UpdateReader implements AutoCloseable {
  private final Thread thread;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Set<String> machines = new HashSet<>();
  private volatile long lastNanos;
  private volatile long maxRecordTimestamp = Long.MIN_VALUE;
  private volatile long records;
  private volatile int distinct;
  private volatile boolean stop;
  private volatile Throwable failure;

  /**
   * @param windowStart only updates of the window starting then count (the window's start is near
   *     the record's beginning, so a byte search finds it without parsing the model)
   */
  UpdateReader(
      String bootstrapServers, String topic, int partitions, int expected, long windowStart) {
    byte[] window =
        ("\"start\":\"" + java.time.Instant.ofEpochMilli(windowStart) + "\"")
            .getBytes(StandardCharsets.UTF_8);
    thread =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> c = RawIngestLimit.consumer(bootstrapServers)) {
                List<TopicPartition> all = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                  all.add(new TopicPartition(topic, p));
                }
                c.assign(all);
                c.seekToBeginning(all);
                c.poll(Duration.ofMillis(200));
                ready.countDown();
                while (!stop && machines.size() < expected) {
                  for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    records++;
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    // The fleet model's updates and the watermark pushes' machines are not the
                    // fleet under test.
                    if (key.startsWith("@") || key.startsWith("zz-watermark-")) {
                      continue;
                    }
                    if (!startsWithin(r.value(), window, 1024)) {
                      continue;
                    }
                    if (machines.add(key)) {
                      distinct = machines.size();
                      lastNanos = System.nanoTime();
                      maxRecordTimestamp = Math.max(maxRecordTimestamp, r.timestamp());
                    }
                  }
                }
              } catch (RuntimeException e) {
                failure = e;
              } finally {
                ready.countDown();
                done.countDown();
              }
            },
            "bench-update-reader");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether {@code needle} occurs within the first {@code limit} bytes of {@code haystack}. */
  static boolean startsWithin(byte[] haystack, byte[] needle, int limit) {
    int end = Math.min(haystack.length, limit) - needle.length;
    outer:
    for (int i = 0; i <= end; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Waits until the consumer is assigned and positioned. */
  void awaitReady(Duration timeout) throws InterruptedException {
    if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("the model-updates reader did not start");
    }
  }

  /** Whether every expected machine's update was read within {@code timeout}. */
  boolean awaitAll(Duration timeout) throws InterruptedException {
    boolean finished = done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (failure != null) {
      throw new IllegalStateException("reading model updates failed: " + failure, failure);
    }
    return finished;
  }

  /** Whether the reader has finished (every machine seen), failing if it failed. */
  boolean awaitAllQuietly() {
    if (failure != null) {
      throw new IllegalStateException("reading model updates failed: " + failure, failure);
    }
    return done.getCount() == 0 && distinct > 0;
  }

  int machines() {
    return distinct;
  }

  long records() {
    return records;
  }

  long lastNanos() {
    return lastNanos;
  }

  long maxRecordTimestamp() {
    return maxRecordTimestamp;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }
}
