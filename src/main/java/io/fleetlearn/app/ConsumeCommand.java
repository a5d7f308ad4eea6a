package io.fleetlearn.app;

import io.fleetlearn.app.options.ConsumeOptions;
import io.fleetlearn.app.options.Durations;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.registry.ModelUpdate;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code consume}: tails the model-updates topic (and optionally drift-metrics) and prints one
 * readable line per record.
 */
final class ConsumeCommand {
  private ConsumeCommand() {}

  static int run(String[] args, PrintStream out) throws IOException {
    ConsumeOptions o = PipelineOptionsFactory.fromArgs(args).as(ConsumeOptions.class);
    KafkaClientConfig kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    long durationMillis = Durations.parse(o.getDuration()).getMillis();
    AtomicBoolean stop = new AtomicBoolean();
    Thread hook = new Thread(() -> stop.set(true));
    Runtime.getRuntime().addShutdownHook(hook);
    List<String> topics = new ArrayList<>(List.of(o.getModelUpdatesTopic()));
    if (o.getIncludeDrift()) {
      topics.add(o.getDriftMetricsTopic());
    }
    long n =
        tail(
            kafka,
            topics,
            o.getDriftMetricsTopic(),
            o.getFromBeginning(),
            o.getMaxRecords(),
            durationMillis,
            stop,
            out);
    out.println(n + " record(s)");
    return 0;
  }

  /**
   * Prints model updates until {@code stop}, the record limit or the duration; returns the count.
   */
  static long tail(
      KafkaClientConfig kafka,
      List<String> topics,
      String driftTopic,
      boolean fromBeginning,
      long maxRecords,
      long durationMillis,
      AtomicBoolean stop,
      PrintStream out) {
    Map<String, Object> props = kafka.asMap();
    props.put("enable.auto.commit", "false");
    // Outputs are written in transactions: only committed records are decisions.
    props.put("isolation.level", "read_committed");
    long deadline =
        durationMillis > 0 ? System.currentTimeMillis() + durationMillis : Long.MAX_VALUE;
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : topics) {
        for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) {
          parts.add(new TopicPartition(topic, p.partition()));
        }
      }
      c.assign(parts);
      if (fromBeginning) {
        c.seekToBeginning(parts);
      } else {
        c.seekToEnd(parts);
      }
      while (!stop.get()
          && System.currentTimeMillis() < deadline
          && (maxRecords <= 0 || n < maxRecords)) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            continue;
          }
          try {
            out.println(
                r.topic().equals(driftTopic)
                    ? UpdateFormatter.format(DriftReport.fromJson(r.value()), false)
                    : UpdateFormatter.format(ModelUpdate.fromJson(r.value())));
          } catch (IOException | RuntimeException e) {
            out.println(
                "unreadable model update at "
                    + r.topic()
                    + "-"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + ": "
                    + e.getMessage());
          }
          n++;
        }
      }
    }
    return n;
  }
}
