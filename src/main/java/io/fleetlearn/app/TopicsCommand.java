package io.fleetlearn.app;

import io.fleetlearn.app.options.Durations;
import io.fleetlearn.app.options.TopicsOptions;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicDefinitions;
import io.fleetlearn.io.TopicSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@code topics}: creates the topics that are missing, from a file of KafkaTopic definitions or the
 * product's standard set, and exits. Existing topics are left as they are. The one-shot topic
 * initialiser of the docker compose stack, for brokers that do not create topics automatically.
 */
final class TopicsCommand {
  private TopicsCommand() {}

  static int run(String[] args, PrintStream out) throws Exception {
    TopicsOptions o = PipelineOptionsFactory.fromArgs(args).as(TopicsOptions.class);
    if (o.getBootstrapServers().isBlank()) {
      throw new IllegalArgumentException("--bootstrapServers is required");
    }
    List<TopicSpec> topics =
        o.getTopicDefinitions().isBlank()
            ? Topics.of(o)
            : TopicDefinitions.load(Path.of(o.getTopicDefinitions()));
    KafkaClientConfig kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    TopicAdmin.createTopics(kafka.asMap(), topics);
    for (TopicSpec t : topics) {
      out.println("topic " + t.name() + ": " + t.partitions() + " partitions " + t.configs());
    }
    return 0;
  }
}
