package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {
  private static final String JAAS_SECRET = "jaas-S3cr3t!";
  private static final String KEYSTORE_SECRET = "keystore-pw-8812";
  private static final String KEY_SECRET = "key-pw-5531";
  private static final String TRUSTSTORE_SECRET = "truststore-pw-0077";
  private static final String PEM_SECRET = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
  private static final List<String> SECRETS =
      List.of(JAAS_SECRET, KEYSTORE_SECRET, KEY_SECRET, TRUSTSTORE_SECRET, PEM_SECRET);

  @TempDir Path dir;

  private Path propertiesFile() throws IOException {
    Path f = dir.resolve("client.properties");
    Files.writeString(
        f,
        String.join(
            "\n",
            "# a comment",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\",
            "    username=\"fleet\" password=\"" + JAAS_SECRET + "\";",
            "ssl.keystore.location=/etc/kafka/client.p12",
            "ssl.keystore.password=" + KEYSTORE_SECRET,
            "ssl.key.password=" + KEY_SECRET,
            "ssl.truststore.password=" + TRUSTSTORE_SECRET,
            "ssl.keystore.key=-----BEGIN PRIVATE KEY----- " + PEM_SECRET,
            "client.id=fleet-l\u00e4ufer",
            ""),
        StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void passesPropertiesFileThroughUntouched() throws IOException {
    KafkaClientConfig c =
        KafkaClientConfig.of("broker-1:9093,broker-2:9093", propertiesFile().toString());
    Map<String, Object> m = c.asMap();

    assertEquals("broker-1:9093,broker-2:9093", c.bootstrapServers());
    assertEquals("broker-1:9093,broker-2:9093", m.get("bootstrap.servers"));
    assertEquals("SASL_SSL", m.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", m.get("sasl.mechanism"));
    // The continuation line joins the two physical lines (leading blanks dropped).
    assertEquals(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fleet\""
            + " password=\""
            + JAAS_SECRET
            + "\";",
        m.get("sasl.jaas.config"));
    assertEquals(KEYSTORE_SECRET, m.get("ssl.keystore.password"));
    assertEquals(KEY_SECRET, m.get("ssl.key.password"));
    assertEquals(TRUSTSTORE_SECRET, m.get("ssl.truststore.password"));
    assertEquals("/etc/kafka/client.p12", m.get("ssl.keystore.location"));
    // Read as UTF-8, not as the ISO-8859-1 of Properties.load(InputStream).
    assertEquals("fleet-l\u00e4ufer", m.get("client.id"));
    assertEquals(10, m.size()); // nine properties from the file plus bootstrap.servers
  }

  @Test
  void withoutBootstrapDropsOnlyTheBootstrapServers() throws IOException {
    KafkaClientConfig c = KafkaClientConfig.of("b:9092", propertiesFile().toString());
    Map<String, Object> rest = c.withoutBootstrap();
    assertFalse(rest.containsKey("bootstrap.servers"));
    assertEquals(c.asMap().size() - 1, rest.size());
    assertEquals("SASL_SSL", rest.get("security.protocol"));
  }

  @Test
  void toStringAndRedactedNeverShowSecretValues() throws IOException {
    KafkaClientConfig c = KafkaClientConfig.of("b:9092", propertiesFile().toString());
    String text = c.toString();
    Map<String, String> redacted = c.redacted();
    for (String secret : SECRETS) {
      assertFalse(text.contains(secret), "toString leaks " + secret + ": " + text);
      assertFalse(redacted.toString().contains(secret), "redacted() leaks " + secret);
    }
    for (String key :
        List.of(
            "sasl.jaas.config",
            "ssl.keystore.password",
            "ssl.key.password",
            "ssl.truststore.password",
            "ssl.keystore.key")) {
      assertEquals("[redacted]", redacted.get(key), key);
    }
    // Non-secrets stay readable, so the log line is still useful.
    assertEquals("SASL_SSL", redacted.get("security.protocol"));
    assertEquals("b:9092", redacted.get("bootstrap.servers"));
    assertTrue(text.contains("ssl.keystore.location=/etc/kafka/client.p12"), text);
    // Redaction is a view: the clients still get the real values.
    assertEquals(KEY_SECRET, c.asMap().get("ssl.key.password"));
  }

  @Test
  void secretKeysAreRecognisedWhateverTheirCase() {
    KafkaClientConfig c =
        KafkaClientConfig.of(
            Map.of(
                "bootstrap.servers", "b:9092",
                "SASL.JAAS.CONFIG", "x " + JAAS_SECRET,
                "sasl.oauthbearer.client.secret", "oauth-secret-1",
                "my.api.token", "tok-123",
                "some.credentials.file.content", "cred-9"));
    String text = c.toString();
    for (String secret : List.of(JAAS_SECRET, "oauth-secret-1", "tok-123", "cred-9")) {
      assertFalse(text.contains(secret), text);
    }
  }

  @Test
  void bootstrapServersMayComeFromTheFileAndTheArgumentWins() throws IOException {
    Path f = dir.resolve("b.properties");
    Files.writeString(f, "bootstrap.servers=file-broker:9092\nclient.id=x\n");
    assertEquals("file-broker:9092", KafkaClientConfig.of(null, f.toString()).bootstrapServers());
    assertEquals("file-broker:9092", KafkaClientConfig.of("  ", f.toString()).bootstrapServers());
    assertEquals("arg:9092", KafkaClientConfig.of("arg:9092", f.toString()).bootstrapServers());
  }

  @Test
  void noPropertiesFileMeansBootstrapOnly() throws IOException {
    assertEquals(
        Map.of("bootstrap.servers", "b:9092"), KafkaClientConfig.of("b:9092", null).asMap());
    assertEquals(
        Map.of("bootstrap.servers", "b:9092"), KafkaClientConfig.of("b:9092", " ").asMap());
  }

  @Test
  void missingBootstrapServersIsAClearError() throws IOException {
    Path f = dir.resolve("no-bootstrap.properties");
    Files.writeString(f, "security.protocol=SSL\n");
    for (String[] args :
        new String[][] {{null, null}, {"", ""}, {"  ", null}, {null, f.toString()}}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> KafkaClientConfig.of(args[0], args[1]));
      assertTrue(e.getMessage().contains("--bootstrapServers"), e.getMessage());
      assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
    }
  }

  @Test
  void aMissingPropertiesFileIsAUsageErrorThatNamesTheFile() {
    String absent = dir.resolve("absent.properties").toString();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.of("b:9092", absent));
    assertTrue(e.getMessage().contains(absent), e.getMessage());
    assertTrue(e.getCause() instanceof NoSuchFileException, e.toString());
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    KafkaClientConfig c = KafkaClientConfig.of("b:9092", propertiesFile().toString());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(c);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(c.asMap(), ((KafkaClientConfig) in.readObject()).asMap());
    }
  }
}
