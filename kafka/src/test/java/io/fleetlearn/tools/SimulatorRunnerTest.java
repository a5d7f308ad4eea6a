package io.fleetlearn.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.sim.SensorEventContract;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.sim.TimeSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class SimulatorRunnerTest {
  private static final String TOPIC = "sensor-events";
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
  private static final SensorEventContract CONTRACT =
      new SensorEventContract(SimulatorConfig.DEFAULT_FEATURES);

  /** A clock that moves only when the runner sleeps, and remembers the sleeps. */
  private static final class SimulatedTime implements TimeSource {
    long now = T0;
    final List<Long> sleeps = new ArrayList<>();
    LongConsumer onSleep = t -> {};

    @Override
    public long millis() {
      return now;
    }

    @Override
    public void sleep(long millis) {
      sleeps.add(millis);
      now += millis;
      onSleep.accept(now);
    }
  }

  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Test
  void sendsEachEventWithItsMachineKeyAndEventTimeUntilMaxEvents() {
    MockProducer<byte[], byte[]> producer = producer(true);
    SimulatorConfig config = SimulatorConfig.builder().machines(3).build();
    SimulatedTime time = new SimulatedTime();
    SimulatorRunner runner = new SimulatorRunner(producer, TOPIC, config, time, 50);
    runner.run();

    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertEquals(50, sent.size());
    assertEquals(50, runner.getSent());
    assertEquals(50, runner.getAcknowledged());
    assertEquals(50, runner.getLabelled());
    assertEquals(0, runner.getFailed());
    for (int i = 0; i < sent.size(); i++) {
      ProducerRecord<byte[], byte[]> r = sent.get(i);
      assertEquals(TOPIC, r.topic());
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertEquals(config.machineId(i % 3), key);
      SensorEventContract.Event e = CONTRACT.read(r.value());
      assertEquals(key, e.machineId);
      assertEquals(e.timestampMillis, r.timestamp().longValue(), "record time is event time");
    }
    // Event time is the clock at generation: the last event is about 50 / 60 s after the first.
    assertEquals(T0 + 49 * 1000 / 60, sent.get(49).timestamp(), 20);
  }

  @Test
  void pacesEventsAtTheConfiguredRateWithBoundedSleeps() {
    MockProducer<byte[], byte[]> producer = producer(true);
    // 2 machines x 5 events per second: one event every 100 ms.
    SimulatorConfig config =
        SimulatorConfig.builder().machines(2).eventsPerSecondPerMachine(5).build();
    SimulatedTime time = new SimulatedTime();
    SimulatorRunner runner = new SimulatorRunner(producer, TOPIC, config, time);
    time.onSleep =
        now -> {
          if (now >= T0 + 10_000) {
            runner.stop();
          }
        };
    runner.run();

    assertEquals(100, runner.getSent(), "events at 0, 100, ..., 9900 ms");
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    for (int i = 0; i < sent.size(); i++) {
      assertEquals(T0 + 100L * i, sent.get(i).timestamp().longValue());
    }
    assertTrue(time.sleeps.stream().allMatch(s -> s >= 1 && s <= SimulatorRunner.MAX_SLEEP_MILLIS));
    assertTrue(time.sleeps.size() <= 110, time.sleeps.size() + " sleeps for 100 gaps");
  }

  @Test
  void sendsInBatchesBetweenSleepsAtHighRates() {
    MockProducer<byte[], byte[]> producer = producer(true);
    // 8 x 1000 = 8 events per millisecond.
    SimulatorConfig config = SimulatorConfig.builder().eventsPerSecondPerMachine(1000).build();
    SimulatedTime time = new SimulatedTime();
    SimulatorRunner runner = new SimulatorRunner(producer, TOPIC, config, time);
    time.onSleep =
        now -> {
          if (now >= T0 + 1000) {
            runner.stop();
          }
        };
    runner.run();
    // One event at 0 ms, then a batch of 8 after each 1 ms sleep up to 999 ms.
    assertEquals(1 + 8 * 999, runner.getSent());
    assertEquals(1000, time.sleeps.size());
  }

  @Test
  void skipsTheBacklogInsteadOfBurstingAfterAStall() {
    MockProducer<byte[], byte[]> producer = producer(true);
    // 10 events per second; the clock jumps 5 s ahead after 2 s (a paused JVM).
    SimulatorConfig config =
        SimulatorConfig.builder().machines(1).eventsPerSecondPerMachine(10).build();
    SimulatedTime time = new SimulatedTime();
    SimulatorRunner runner = new SimulatorRunner(producer, TOPIC, config, time);
    time.onSleep =
        now -> {
          if (now == T0 + 2000) {
            time.now += 5000;
          }
          if (time.now >= T0 + 10_000) {
            runner.stop();
          }
        };
    runner.run();
    // 20 events before the stall (0 to 1.9 s), the last second of the backlog (10 events, up to
    // the one due at 7 s), then 7.1 to 9.9 s. Catching up would have sent all 100.
    assertEquals(20 + 10 + 29, runner.getSent());
  }

  @Test
  void replaysHistoricalEventTimesAtTheConfiguredSpacing() {
    MockProducer<byte[], byte[]> producer = producer(true);
    SimulatorConfig config = SimulatorConfig.builder().malformedRatio(0.1).labelRatio(0.5).build();
    SimulatedTime time = new SimulatedTime();
    SimulatorRunner runner = new SimulatorRunner(producer, TOPIC, config, time);
    long start = T0 - 3_600_000;
    long made = runner.replay(start, start + 10_000);

    // 160 events per second: one every 6.25 ms.
    assertEquals(1600, made);
    assertEquals(1600, runner.getSent());
    assertTrue(time.sleeps.isEmpty(), "a replay does not wait");
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    SensorSimulator twin = new SensorSimulator(config);
    long malformed = 0;
    long labelled = 0;
    for (int i = 0; i < sent.size(); i++) {
      long expectedTime = start + (long) Math.floor(i * 6.25);
      assertEquals(expectedTime, sent.get(i).timestamp().longValue());
      SimulatedRecord r = twin.next(expectedTime);
      assertArrayEquals(r.value(), sent.get(i).value());
      malformed += r.malformed() ? 1 : 0;
      labelled += r.defect() != null ? 1 : 0;
    }
    assertTrue(malformed > 100 && labelled > 500);
    assertEquals(malformed, runner.getMalformed());
    assertEquals(labelled, runner.getLabelled());
    assertEquals(1600, runner.getAcknowledged());
  }

  @Test
  void countsFailedSendsWithoutThrowing() {
    // Every third record fails in the producer, as a broker timeout would.
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, new ByteArraySerializer(), new ByteArraySerializer()) {
          int sends;

          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> record, Callback callback) {
            Future<RecordMetadata> f = super.send(record, callback);
            if (++sends % 3 == 0) {
              errorNext(new TimeoutException("simulated broker timeout"));
            } else {
              completeNext();
            }
            return f;
          }
        };
    SimulatorRunner runner =
        new SimulatorRunner(
            producer, TOPIC, SimulatorConfig.builder().build(), new SimulatedTime(), 30);
    assertEquals(30, runner.replay(T0, T0 + 60_000));
    assertEquals(30, runner.getSent());
    assertEquals(20, runner.getAcknowledged());
    assertEquals(10, runner.getFailed());
    assertTrue(runner.getLastFailure() instanceof TimeoutException);
  }

  @Test
  void stopsWhenTheProducerIsClosed() {
    MockProducer<byte[], byte[]> producer = producer(true);
    producer.close();
    SimulatorRunner runner =
        new SimulatorRunner(
            producer, TOPIC, SimulatorConfig.builder().build(), new SimulatedTime(), 1000);
    runner.run();
    assertTrue(runner.isStopped());
    assertEquals(0, runner.getSent());
    assertEquals(1, runner.getFailed());
    assertTrue(runner.getLastFailure() instanceof IllegalStateException);
  }

  @Test
  void stopEndsARealTimeRunFromAnotherThread() throws Exception {
    AtomicInteger flushes = new AtomicInteger();
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized void flush() {
            flushes.incrementAndGet();
            super.flush();
          }
        };
    // One event per second: the loop spends its time asleep.
    SimulatorConfig config =
        SimulatorConfig.builder().machines(1).eventsPerSecondPerMachine(1).build();
    SimulatorRunner runner = new SimulatorRunner(producer, TOPIC, config, TimeSource.system());
    Thread thread = new Thread(runner, "simulator-under-test");
    thread.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (runner.getSent() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, runner.getSent(), "the first event goes out at once");
      assertThrows(IllegalStateException.class, () -> runner.replay(T0, T0 + 1000));
      long closing = System.nanoTime();
      runner.close();
      long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
      // The loop flushes as its last step: close() returned only after it.
      assertEquals(1, flushes.get(), "close() waits for the loop to flush and end");
      assertTrue(closeMillis < 1000, "close() took " + closeMillis + " ms");
      assertEquals(1, runner.getSent());
      // A stopped runner stays stopped.
      assertEquals(0, runner.replay(T0, T0 + 1000));
    } finally {
      runner.stop();
      thread.join(5000);
    }
    assertFalse(thread.isAlive());
  }
}
