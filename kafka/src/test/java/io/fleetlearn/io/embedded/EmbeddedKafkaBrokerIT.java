package io.fleetlearn.io.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real broker in its own JVM: topics, produce/consume, compaction config, and durability
 * of acknowledged records and committed offsets across a kill -9 and a restart.
 *
 * <p>Durability without {@code log.flush.interval.messages=1}: an {@code acks=all} write is
 * acknowledged once the broker has written it to the log file, i.e. into the kernel's page cache.
 * SIGKILL ends the process, not the kernel, so the data is still there after the restart; only a
 * machine crash could lose unflushed records. This test checks exactly that guarantee, with the
 * broker's default flush settings.
 */
class EmbeddedKafkaBrokerIT {
  private static final String SENSOR = "sensor-events";
  private static final String MODELS = "model-updates";
  private static final String DRIFT = "drift-metrics";
  private static final String DLQ = "dead-letters";
  private static final String GROUP = "it-group";
  private static final int RECORDS = 100;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void keepsAcknowledgedDataAcrossKillAndRestart() throws Exception {
    Path dataDir = tmp.resolve("kafka");
    long pid;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dataDir).partitions(3).start()) {
      pid = broker.pid();
      report("start", broker.lastStartDuration());
      assertTrue(broker.isRunning());
      assertEquals("127.0.0.1:" + broker.port(), broker.bootstrapServers());

      List<TopicSpec> topics = TopicSpec.standard(SENSOR, MODELS, DRIFT, DLQ, 3);
      TopicAdmin.createTopics(broker.adminProperties(), topics);
      // Creating again must be a no-op, as it is for a job restarting against a live cluster.
      TopicAdmin.createTopics(broker.adminProperties(), topics);
      try (Admin admin = Admin.create(broker.adminProperties())) {
        assertTrue(
            admin
                .listTopics()
                .names()
                .get(30, TimeUnit.SECONDS)
                .containsAll(Set.of(SENSOR, MODELS, DRIFT, DLQ)));
        Config models = topicConfig(admin, MODELS);
        assertEquals("compact", models.get("cleanup.policy").value());
        assertEquals("0.1", models.get("min.cleanable.dirty.ratio").value());
        assertEquals("3600000", models.get("segment.ms").value());
        Config sensor = topicConfig(admin, SENSOR);
        assertEquals("delete", sensor.get("cleanup.policy").value());
        assertEquals("604800000", sensor.get("retention.ms").value());
        assertEquals("2592000000", topicConfig(admin, DLQ).get("retention.ms").value());
        assertEquals(
            3,
            admin
                .describeTopics(List.of(SENSOR))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(SENSOR)
                .partitions()
                .size());
      }

      List<String> sent =
          IntStream.range(0, RECORDS).mapToObj(i -> "reading-" + i).collect(Collectors.toList());
      produce(broker, SENSOR, sent);
      produce(broker, MODELS, List.of("model-v1", "model-v2"));

      // A consumer group that commits, so the restart also has to keep __consumer_offsets.
      assertEquals(Set.copyOf(sent), Set.copyOf(consumeAsGroup(broker, SENSOR, RECORDS)));
      assertFalse(
          Files.readString(broker.logFile()).contains(" INFO "),
          "broker.log should hold warnings only");

      int port = broker.port();
      broker.kill();
      assertFalse(isAlive(pid), "killed broker process is still alive");
      assertFalse(broker.isRunning());

      broker.restart();
      report("restart after kill -9", broker.lastStartDuration());
      assertEquals(port, broker.port());
      assertNotEquals(pid, broker.pid());
      assertTrue(isAlive(broker.pid()));

      assertEquals(sent, sortedByNumber(readAll(broker, SENSOR, RECORDS)));
      assertEquals(Set.of("model-v1", "model-v2"), Set.copyOf(readAll(broker, MODELS, 2)));
      try (Admin admin = Admin.create(broker.adminProperties())) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        assertEquals(
            RECORDS, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
      }

      // Writes keep working after the crash, and a clean stop/restart keeps them too.
      produce(broker, SENSOR, List.of("reading-" + RECORDS));
      long before = System.nanoTime();
      broker.stop();
      report("graceful stop", Duration.ofNanos(System.nanoTime() - before));
      broker.restart();
      report("restart after stop", broker.lastStartDuration());
      assertEquals(RECORDS + 1, readAll(broker, SENSOR, RECORDS + 1).size());
      pid = broker.pid();
    }
    assertFalse(isAlive(pid), "closed broker process is still alive");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void failedStartEndsWithTheBrokerLog() {
    EmbeddedKafkaBroker.StartException e =
        assertThrows(
            EmbeddedKafkaBroker.StartException.class,
            () ->
                EmbeddedKafkaBroker.builder(tmp.resolve("bad"))
                    .serverProperty("node.id", "not-a-number")
                    .startupTimeout(Duration.ofSeconds(30))
                    .start());
    assertTrue(e.getMessage().contains("broker.log"), e.getMessage());
    assertTrue(e.getMessage().contains("not-a-number"), e.getMessage());
  }

  private static Config topicConfig(Admin admin, String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
  }

  private static void produce(EmbeddedKafkaBroker broker, String topic, List<String> values)
      throws Exception {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            30_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            10_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      List<Future<?>> acks = new ArrayList<>();
      for (String value : values) {
        acks.add(producer.send(new ProducerRecord<>(topic, "machine-" + value.length(), value)));
      }
      // Every record acknowledged before the broker is killed.
      for (Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static List<String> consumeAsGroup(
      EmbeddedKafkaBroker broker, String topic, int expected) {
    Map<String, Object> props = consumerProps(broker);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<String> values = poll(consumer, expected);
      consumer.commitSync(Duration.ofSeconds(30));
      return values;
    }
  }

  // Without a group: reads every partition from the beginning, independent of committed offsets.
  private static List<String> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            consumerProps(broker), new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      return poll(consumer, expected);
    }
  }

  private static List<String> poll(KafkaConsumer<String, String> consumer, int expected) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (values.size() < expected && System.nanoTime() - deadline < 0) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
        values.add(record.value());
      }
    }
    assertEquals(expected, values.size(), "records read within " + WAIT);
    return values;
  }

  private static Map<String, Object> consumerProps(EmbeddedKafkaBroker broker) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  private static List<String> sortedByNumber(List<String> values) {
    return values.stream()
        .sorted(Comparator.comparingInt(v -> Integer.parseInt(v.substring(v.indexOf('-') + 1))))
        .toList();
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void report(String what, Duration took) {
    System.out.printf("EmbeddedKafkaBroker %s took %d ms%n", what, took.toMillis());
  }
}
