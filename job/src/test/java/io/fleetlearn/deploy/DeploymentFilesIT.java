package io.fleetlearn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code deploy/check.sh}, the static checks of the deployment files: {@code docker-compose
 * config} validates docker-compose.yml, {@code kubectl kustomize} renders the base and every
 * overlay, the generated Flink configuration and PrometheusRule are up to date, every file the
 * compose file, the Dockerfile and the manifests refer to exists (the job jar included, which is
 * why this runs after {@code package}), and the Flink pods, their templates merged as the operator
 * merges them, declare every port their PodMonitors scrape. The script installs docker-compose,
 * kubectl and python3-yaml with apt-get when they are missing.
 */
class DeploymentFilesIT {
  @TempDir Path dir;

  @Test
  void deployCheckPasses() throws Exception {
    Path log = dir.resolve("check.log");
    Process p =
        new ProcessBuilder("bash", "deploy/check.sh")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean finished = p.waitFor(15, TimeUnit.MINUTES);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    System.out.println(output);
    assertTrue(finished, "deploy/check.sh did not finish in 15 minutes:\n" + output);
    assertEquals(0, p.exitValue(), "deploy/check.sh failed:\n" + output);
    assertTrue(output.contains(" 0 failed"), output);
  }
}
