package io.fleetlearn.tools;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaClients;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.tools.options.ConsumeOptions;
import io.fleetlearn.tools.options.KafkaOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code consume}: tails the model-updates topic (and optionally drift-metrics) and prints one
 * readable line per record.
 */
public final class ConsumeCommand extends Command {
  public ConsumeCommand() {
    super(
        "consume",
        "print the model updates (and drift reports) of an existing Kafka as readable lines",
        "Prints the records of the model-updates topic (--includeDrift: and of drift-metrics) of an\n"
            + "existing Kafka (--bootstrapServers is required) as readable lines, read_committed.");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(ConsumeOptions.class, KafkaOptions.class);
  }

  @Override
  public int run(String[] args, PrintStream out) throws IOException {
    ConsumeOptions o = parse(args, ConsumeOptions.class);
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
    long deadline =
        durationMillis > 0 ? System.currentTimeMillis() + durationMillis : Long.MAX_VALUE;
    long n = 0;
    try (KafkaConsumer<byte[], byte[]> c = KafkaClients.reader(kafka, "fleetlearn-consume")) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : topics) {
        parts.addAll(KafkaClients.partitions(c, topic, Duration.ofSeconds(30)));
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
