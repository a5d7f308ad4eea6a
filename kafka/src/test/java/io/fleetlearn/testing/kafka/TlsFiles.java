package io.fleetlearn.testing.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS identity for a test broker on 127.0.0.1, made with the JDK's {@code keytool}: a
 * PKCS12 key store holding the broker's key and certificate (subject alternative name {@code
 * IP:127.0.0.1}, so clients keep hostname verification on) and a PKCS12 trust store holding only
 * that certificate.
 */
public final class TlsFiles {
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  public final Path keyStore;
  public final Path trustStore;
  public final String keyStorePassword;
  public final String trustStorePassword;

  private TlsFiles(Path keyStore, Path trustStore, String keyStorePassword, String trustPassword) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
    this.keyStorePassword = keyStorePassword;
    this.trustStorePassword = trustPassword;
  }

  /** Creates {@code broker.p12} and {@code truststore.p12} in {@code dir}. */
  public static TlsFiles create(Path dir, String keyStorePassword, String trustStorePassword)
      throws IOException, InterruptedException {
    Path keyStore = dir.resolve("broker.p12");
    Path cert = dir.resolve("broker.crt");
    Path trustStore = dir.resolve("truststore.p12");
    keytool(
        dir,
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        keyStorePassword,
        "-keypass",
        keyStorePassword);
    keytool(
        dir,
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        keyStorePassword,
        "-file",
        cert.toString());
    keytool(
        dir,
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        trustStore.toString(),
        "-storepass",
        trustStorePassword);
    return new TlsFiles(keyStore, trustStore, keyStorePassword, trustStorePassword);
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Path log = dir.resolve("keytool.log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    p.getOutputStream().close();
    if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException("keytool " + args[0] + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "keytool "
              + args[0]
              + " failed: "
              + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    }
  }
}
