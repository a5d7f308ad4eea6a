package io.fleetlearn.tools;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.io.RetentionCheck;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicDefinitions;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.tools.options.KafkaOptions;
import io.fleetlearn.tools.options.TopicsOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@code topics}: creates the topics that are missing, from a file of KafkaTopic definitions or the
 * product's standard set, and exits. Existing topics are left as they are. The one-shot topic
 * initialiser of the docker compose stack, for brokers that do not create topics automatically.
 */
public final class TopicsCommand extends Command {
  public TopicsCommand() {
    super(
        "topics",
        "create the product's topics (or those of a KafkaTopic YAML file) and exit",
        "Creates the topics that are missing on an existing Kafka (--bootstrapServers, or\n"
            + "bootstrap.servers in --kafkaProperties) and exits: those of --topicDefinitions=FILE\n"
            + "(Strimzi KafkaTopic resources, e.g. config/kafka/topics.yaml), or the standard\n"
            + "topics. Existing topics are left alone. Warns when the input topic's time-based\n"
            + "retention is shorter than the age of its oldest records (a replay of history).");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(TopicsOptions.class, KafkaOptions.class);
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    TopicsOptions o = parse(args, TopicsOptions.class);
    // The bootstrap servers may come from --kafkaProperties, as for every other command.
    KafkaClientConfig kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    List<TopicSpec> topics =
        o.getTopicDefinitions().isBlank()
            ? Topics.of(o)
            : TopicDefinitions.load(Path.of(o.getTopicDefinitions()));
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    TopicAdmin.createTopics(kafka.asMap(), topics);
    for (TopicSpec t : topics) {
      out.println("topic " + t.name() + ": " + t.partitions() + " partitions " + t.configs());
    }
    // Existing topics keep their settings: a replay of history into one that deletes old records
    // by their timestamps is lost before the job reads it.
    RetentionCheck.warnIfShort(kafka, o.getSensorEventsTopic(), out::println);
    return 0;
  }
}
