package io.fleetlearn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void groupsSubtasksOfATaskAndNumberedPoolThreads() {
    assertEquals(
        "TrainOnWindowClose -> ModelRegistry",
        ThreadCpu.group("TrainOnWindowClose -> ModelRegistry (1/2)#0"));
    assertEquals(
        ThreadCpu.group("TrainOnWindowClose -> ModelRegistry (2/2)#0"),
        ThreadCpu.group("TrainOnWindowClose -> ModelRegistry (1/2)#3"));
    assertEquals("pool-N-thread-N", ThreadCpu.group("pool-3-thread-12"));
    assertEquals(
        "kafka-producer-network-thread",
        ThreadCpu.group("kafka-producer-network-thread | producer-7"));
  }

  @Test
  void countsTheCpuOfAThreadThatWorkedDuringThePhase() throws Exception {
    ThreadCpu cpu = ThreadCpu.start();
    assertNotNull(cpu, "this JVM measures thread CPU time");
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread busy =
        new Thread(
            () -> {
              double x = 0;
              while (!stop.get()) {
                x += Math.sqrt(x + 1);
              }
              if (x < 0) {
                throw new AssertionError();
              }
            },
            "spinning-worker-1");
    busy.start();
    Thread.sleep(300);
    String before = cpu.summarise("t", 50);
    stop.set(true);
    busy.join();
    // Summarised while it still ran: it is listed with the CPU it used.
    String line =
        before.lines().filter(l -> l.contains("`spinning-worker-N`")).findFirst().orElse("");
    assertTrue(line.startsWith("| "), before);
    double seconds = Double.parseDouble(line.split("\\|")[1].trim());
    assertTrue(seconds >= 0.05, line);
  }
}
