package io.fleetlearn.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Topic definitions read from Strimzi {@code KafkaTopic} resources ({@code
 * config/kafka/topics.yaml}): the one file that both the Kubernetes deployment (applied as is by
 * the Strimzi topic operator) and {@code fleetlearn topics} (which creates the same topics on any
 * Kafka, e.g. in docker compose) take the topics from.
 *
 * <p>Read per document: {@code metadata.name} (or {@code spec.topicName}), {@code spec.partitions}
 * (required: partitions are set deliberately), {@code spec.replicas} (absent: the broker's {@code
 * default.replication.factor}) and {@code spec.config}. Documents of other kinds are refused.
 */
public final class TopicDefinitions {
  private TopicDefinitions() {}

  /** The topics of a multi-document YAML file of KafkaTopic resources, in file order. */
  public static List<TopicSpec> load(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(in, file.toString());
    }
  }

  /** As {@link #load(Path)}; {@code source} names the input in error messages. */
  public static List<TopicSpec> parse(Reader in, String source) {
    List<TopicSpec> topics = new ArrayList<>();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    int index = 0;
    for (Object doc : yaml.loadAll(in)) {
      index++;
      if (doc == null) {
        continue; // an empty document, e.g. after a trailing "---"
      }
      String where = source + " document " + index;
      Map<?, ?> resource = map(doc, where);
      if (!"KafkaTopic".equals(resource.get("kind"))) {
        throw new IllegalArgumentException(where + ": kind is not KafkaTopic");
      }
      Map<?, ?> metadata = map(resource.get("metadata"), where + " metadata");
      Map<?, ?> spec = map(resource.get("spec"), where + " spec");
      Object name = spec.containsKey("topicName") ? spec.get("topicName") : metadata.get("name");
      if (!(name instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException(where + ": no topic name");
      }
      if (!(spec.get("partitions") instanceof Integer partitions)) {
        throw new IllegalArgumentException(where + " (" + name + "): spec.partitions is required");
      }
      short replicas = TopicSpec.BROKER_DEFAULT_REPLICATION;
      if (spec.get("replicas") != null) {
        if (!(spec.get("replicas") instanceof Integer r) || r < 1 || r > Short.MAX_VALUE) {
          throw new IllegalArgumentException(where + " (" + name + "): bad spec.replicas");
        }
        replicas = (short) (int) r;
      }
      Map<String, String> configs = new LinkedHashMap<>();
      if (spec.get("config") != null) {
        map(spec.get("config"), where + " spec.config")
            .forEach((k, v) -> configs.put(String.valueOf(k), String.valueOf(v)));
      }
      topics.add(new TopicSpec((String) name, partitions, replicas, configs));
    }
    if (topics.isEmpty()) {
      throw new IllegalArgumentException(source + " defines no topic");
    }
    return topics;
  }

  private static Map<?, ?> map(Object o, String where) {
    if (!(o instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(where + " is not a mapping");
    }
    return m;
  }
}
