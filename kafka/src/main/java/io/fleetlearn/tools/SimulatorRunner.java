package io.fleetlearn.tools;

import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.sim.TimeSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the {@link SensorSimulator}'s events to a Kafka topic, either in real time at the
 * configured rate ({@link #run()}) or as a historical replay as fast as the producer takes them
 * ({@link #replay(long, long)}). Each Kafka record has the machine id as key, the event as value
 * and the event time as its timestamp.
 *
 * <p>It counts what it hands to the producer (sent, of which malformed and labelled) and what the
 * producer reports back (acknowledged, failed); failures are counted and logged, never thrown. The
 * producer belongs to the caller: the runner flushes it when a run ends but never closes it. A
 * runner runs one loop at a time; {@link #stop()} and the getters may be called from any thread.
 * Once stopped, a runner stays stopped.
 */
public final class SimulatorRunner implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatorRunner.class);

  /** The longest sleep of the real-time loop, which bounds how late it notices {@link #stop()}. */
  static final long MAX_SLEEP_MILLIS = 100;

  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SensorSimulator simulator;
  private final TimeSource time;
  private final long maxEvents;
  private final double eventsPerSecond;

  private final ReentrantLock loop = new ReentrantLock();
  private volatile boolean stopped;
  private volatile boolean producerClosed;
  // Touched only by the thread that holds the loop lock.
  private long generated;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong labelled = new AtomicLong();
  private final AtomicReference<Exception> lastFailure = new AtomicReference<>();
  // One callback for all records: it needs nothing from the record, so no allocation per event.
  private final Callback callback = this::onCompletion;

  /** A runner without an event limit. */
  public SimulatorRunner(
      Producer<byte[], byte[]> producer, String topic, SimulatorConfig config, TimeSource time) {
    this(producer, topic, config, time, 0);
  }

  /**
   * A runner that stops after {@code maxEvents} events over all its runs and replays (0 or less: no
   * limit).
   */
  public SimulatorRunner(
      Producer<byte[], byte[]> producer,
      String topic,
      SimulatorConfig config,
      TimeSource time,
      long maxEvents) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.simulator = new SensorSimulator(Objects.requireNonNull(config, "config"));
    this.time = Objects.requireNonNull(time, "time");
    this.maxEvents = maxEvents;
    this.eventsPerSecond = config.eventsPerSecond();
  }

  /**
   * Sends events in real time until {@link #stop()}, the event limit, or an interrupt: event time
   * is the clock at generation, and the events of the whole fleet are spaced evenly at the
   * configured rate. Between batches the loop sleeps until the next event is due.
   */
  @Override
  public void run() {
    lockLoop();
    try {
      long start = time.millis();
      // Index, counted from start, of the next event of the schedule.
      long slot = 0;
      long maxBacklog = Math.max(1, (long) Math.ceil(eventsPerSecond));
      while (!stopped && !limitReached()) {
        long now = time.millis();
        // Event k is due at start + k / rate. Multiplying before dividing keeps the schedule exact
        // at whole milliseconds for whole rates.
        long due = (long) Math.floor((now - start) * eventsPerSecond / 1000) + 1;
        if (due - slot > maxBacklog) {
          // More than a second behind (a blocked producer, a paused JVM): skip the backlog rather
          // than burst at many times the configured rate to catch up.
          slot = due - maxBacklog;
        }
        if (slot < due) {
          for (; slot < due && !stopped && !limitReached(); slot++) {
            send(simulator.next(time.millis()));
          }
        } else {
          long nextDue = start + (long) Math.ceil(slot * 1000 / eventsPerSecond);
          sleep(Math.min(Math.max(1, nextDue - now), MAX_SLEEP_MILLIS));
        }
      }
    } finally {
      finishLoop();
    }
  }

  /**
   * Sends the events whose event times are spaced at the configured rate from {@code startMillis}
   * (inclusive) to {@code endMillis} (exclusive), as fast as the producer takes them, and waits
   * until the producer has flushed them. Stops early on {@link #stop()} or the event limit.
   *
   * @return how many events this call made (sent or failed)
   */
  public long replay(long startMillis, long endMillis) {
    lockLoop();
    long made = 0;
    try {
      for (long i = 0; !stopped && !limitReached(); i++) {
        // Multiplied, not accumulated, so rounding never drifts over long replays.
        long eventTime = startMillis + (long) Math.floor(i * 1000 / eventsPerSecond);
        if (eventTime >= endMillis) {
          break;
        }
        send(simulator.next(eventTime));
        made++;
      }
    } finally {
      finishLoop();
    }
    return made;
  }

  /** Asks the running loop to end (within {@link #MAX_SLEEP_MILLIS}); later runs end at once. */
  public void stop() {
    stopped = true;
  }

  public boolean isStopped() {
    return stopped;
  }

  /** Stops the runner and waits (up to 30 s) for a running loop to flush and end. */
  @Override
  public void close() {
    stop();
    try {
      if (loop.tryLock(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        loop.unlock();
      } else {
        LOG.warn("Simulator loop did not end within {} s", CLOSE_TIMEOUT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records handed to the producer. */
  public long getSent() {
    return sent.get();
  }

  /** Records the producer reported as written. */
  public long getAcknowledged() {
    return acknowledged.get();
  }

  /** Records that could not be handed over or that the producer reported as failed. */
  public long getFailed() {
    return failed.get();
  }

  /** Sent records whose payload is broken on purpose. */
  public long getMalformed() {
    return malformed.get();
  }

  /** Sent well-formed records that carry the defect label. */
  public long getLabelled() {
    return labelled.get();
  }

  /** The last send failure, or null when there was none. */
  public Exception getLastFailure() {
    return lastFailure.get();
  }

  private void send(SimulatedRecord record) {
    generated++;
    try {
      producer.send(
          new ProducerRecord<>(topic, null, record.eventTimeMillis(), record.key(), record.value()),
          callback);
    } catch (InterruptException e) {
      // Kafka's unchecked interrupt: the thread was asked to end.
      recordFailure(e);
      Thread.currentThread().interrupt();
      stopped = true;
      return;
    } catch (IllegalStateException e) {
      // The producer is closed: every further send would fail the same way.
      recordFailure(e);
      producerClosed = true;
      stopped = true;
      return;
    } catch (RuntimeException e) {
      recordFailure(e);
      return;
    }
    sent.incrementAndGet();
    if (record.malformed()) {
      malformed.incrementAndGet();
    } else if (record.defect() != null) {
      labelled.incrementAndGet();
    }
  }

  private void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception == null) {
      acknowledged.incrementAndGet();
    } else {
      recordFailure(exception);
    }
  }

  // Runs on the producer's I/O thread too, so it must never throw.
  private void recordFailure(Exception e) {
    failed.incrementAndGet();
    if (lastFailure.getAndSet(e) == null) {
      try {
        LOG.warn("Sending simulated events to {} failed; counting further failures", topic, e);
      } catch (RuntimeException ignored) {
        // A broken logger must not break the producer's I/O thread.
      }
    }
  }

  private boolean limitReached() {
    return maxEvents > 0 && generated >= maxEvents;
  }

  private void sleep(long millis) {
    try {
      time.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  private void lockLoop() {
    if (loop.isHeldByCurrentThread() || !loop.tryLock()) {
      throw new IllegalStateException("the simulator is already running");
    }
  }

  private void finishLoop() {
    try {
      // So that the counters are final when the loop returns (a closed producer has nothing).
      if (!producerClosed) {
        producer.flush();
      }
    } catch (RuntimeException e) {
      LOG.warn("Flushing the simulator's producer failed", e);
    } finally {
      loop.unlock();
    }
  }
}
