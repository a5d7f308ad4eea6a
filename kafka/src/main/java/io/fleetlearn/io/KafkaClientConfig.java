package io.fleetlearn.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties shared by every consumer, producer and admin client of the product: the
 * bootstrap servers plus whatever a properties file adds (security.protocol, sasl.*, ssl.*,
 * client.id, ...), passed through untouched. {@link #toString()} and {@link #redacted()} mask
 * secrets, so the configuration can be logged safely.
 */
public final class KafkaClientConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, String> props;

  private KafkaClientConfig(Map<String, String> props) {
    this.props = Collections.unmodifiableMap(new TreeMap<>(props));
  }

  /**
   * @param bootstrapServers host:port list
   * @param propertiesFile optional Kafka client properties file (null or empty for none)
   */
  public static KafkaClientConfig of(String bootstrapServers, String propertiesFile)
      throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (propertiesFile != null && !propertiesFile.isBlank()) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(Path.of(propertiesFile), StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (NoSuchFileException | AccessDeniedException e) {
        // A wrong path is the user's to fix: say which, without a stack trace.
        throw new IllegalArgumentException(
            "cannot read the Kafka properties file " + propertiesFile + " (--kafkaProperties)", e);
      }
      for (String k : p.stringPropertyNames()) {
        m.put(k, p.getProperty(k));
      }
    }
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      m.put("bootstrap.servers", bootstrapServers);
    }
    if (!m.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException(
          "no Kafka bootstrap servers: pass --bootstrapServers=HOST:PORT or set bootstrap.servers"
              + " in the properties file");
    }
    return new KafkaClientConfig(m);
  }

  public static KafkaClientConfig of(Map<String, String> props) {
    return new KafkaClientConfig(props);
  }

  public String bootstrapServers() {
    return props.get("bootstrap.servers");
  }

  /** All properties, bootstrap servers included, as the Kafka clients take them. */
  public Map<String, Object> asMap() {
    return new TreeMap<>(props);
  }

  /** The properties except bootstrap.servers (KafkaIO takes that separately). */
  public Map<String, Object> withoutBootstrap() {
    Map<String, Object> m = asMap();
    m.remove("bootstrap.servers");
    return m;
  }

  /** The properties with every value that may be a secret replaced by {@code [redacted]}. */
  public Map<String, String> redacted() {
    Map<String, String> m = new TreeMap<>();
    for (Map.Entry<String, String> e : props.entrySet()) {
      m.put(e.getKey(), isSecret(e.getKey()) ? "[redacted]" : e.getValue());
    }
    return m;
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("secret")
        || k.contains("token")
        || k.contains("credential")
        || k.contains("passphrase")
        || k.contains("user.info")
        || k.endsWith(".key");
  }

  @Override
  public String toString() {
    return redacted().toString();
  }
}
