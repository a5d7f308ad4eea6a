package io.fleetlearn.bench;

import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaClients;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes a backlog of simulated sensor events with historical event times to a topic, as fast as
 * the broker takes them, so that a pipeline started afterwards closes its windows as fast as it can
 * go. Event times are spread evenly over {@code windows} consecutive windows starting at {@code
 * startMillis}; machines take turns (the simulator is round-robin). No malformed records.
 */
public final class Backlog {
  private final SimulatorConfig sim;
  private final long startMillis;
  private final long windowMillis;
  private final int windows;
  private final long events;

  public Backlog(
      int machines, long seed, long startMillis, long windowMillis, int windows, long events) {
    this.sim =
        SimulatorConfig.builder()
            .machines(machines)
            .seed(seed)
            .malformedRatio(0)
            .labelRatio(1.0)
            .build();
    this.startMillis = startMillis;
    this.windowMillis = windowMillis;
    this.windows = windows;
    this.events = events;
  }

  public long events() {
    return events;
  }

  /** The end of the last window the backlog fills. */
  public long endMillis() {
    return startMillis + windows * windowMillis;
  }

  /** Event time of the {@code i}-th event: evenly spread, every one inside the windows. */
  long eventTime(long i) {
    return startMillis + (long) ((double) i * windows * windowMillis / events);
  }

  /** A fresh simulator producing the same event sequence as {@link #produce}. */
  SensorSimulator simulator() {
    return new SensorSimulator(sim);
  }

  /** Produces the backlog and waits for every record to be acknowledged. */
  public void produce(String bootstrapServers, String topic) throws Exception {
    produce(bootstrapServers, topic, simulator(), 0, events);
  }

  /**
   * Produces the backlog's events {@code from} (inclusive) to {@code to} from {@code simulator},
   * which must stand at event {@code from} (a fresh one from {@link #simulator()} for 0, the one
   * that produced the events before otherwise), and waits for every record to be acknowledged.
   */
  public void produce(
      String bootstrapServers, String topic, SensorSimulator simulator, long from, long to)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrapServers)) {
      Future<RecordMetadata> last = null;
      long now = System.currentTimeMillis();
      for (long i = from; i < to; i++) {
        SimulatedRecord r = simulator.next(eventTime(i));
        last = p.send(new ProducerRecord<>(topic, null, now, r.key(), r.value()));
      }
      p.flush();
      if (last != null) {
        last.get();
      }
    }
  }

  /**
   * Writes one valid event, far later than every window of the backlog, to each partition: once a
   * pipeline reads them its watermark passes the end of every backlog window. The events belong to
   * machines of their own ({@code zz-watermark-P}), in a window that stays open.
   */
  public static void pushWatermark(
      String bootstrapServers, String topic, int partitions, long eventTimeMillis)
      throws InterruptedException, ExecutionException {
    String time = java.time.Instant.ofEpochMilli(eventTimeMillis).toString();
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrapServers)) {
      for (int partition = 0; partition < partitions; partition++) {
        String id = "zz-watermark-" + partition;
        String json =
            "{\"machineId\":\""
                + id
                + "\",\"timestamp\":\""
                + time
                + "\",\"features\":{\"temperature\":70.0,\"vibration\":0.5,\"pressure\":5.0,"
                + "\"current\":12.0},\"defect\":false}";
        p.send(
                new ProducerRecord<>(
                    topic,
                    partition,
                    System.currentTimeMillis(),
                    id.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    // The product's producer (one request in flight: right after the bench creates its topics a
    // partition can refuse the first batch, and a bench run once hung on the retries of the batches
    // behind it), with large batches so that filling the backlog is not the bottleneck.
    return KafkaClients.producer(
        KafkaClientConfig.of(Map.of("bootstrap.servers", bootstrapServers)),
        "fleetlearn-bench-backlog",
        Map.of("batch.size", 512 * 1024, "buffer.memory", 128L * 1024 * 1024));
  }
}
