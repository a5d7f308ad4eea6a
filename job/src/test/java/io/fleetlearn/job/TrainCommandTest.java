package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.batch.BatchTrainingConfig;
import io.fleetlearn.batch.ModelFormat;
import io.fleetlearn.batch.TabularFormat;
import io.fleetlearn.job.options.BatchTrainOptions;
import io.fleetlearn.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code train} command's flags and the checks it makes before a job starts. */
class TrainCommandTest {
  static final String AI4I_NUMERIC =
      "--numericColumns=Air temperature [K],Process temperature [K],Rotational speed [rpm],"
          + "Torque [Nm],Tool wear [min]";

  @TempDir Path tmp;

  static String ai4i() throws Exception {
    return TestData.ai4iCsv().toString();
  }

  @Test
  void flagsBuildABatchJobOnTheEmbeddedFlinkRunnerAndItsConfiguration() {
    BatchTrainOptions o =
        BatchTrainingJob.parseOptions(
            new String[] {
              "--input=gs://bucket/history/*.csv.gz",
              "--output=/tmp/out",
              "--entityColumns=plant, line",
              "--labelColumn=income",
              "--labelMapping=>50K=1,<=50K=0",
              "--numericColumns=age,hours per week",
              "--categoricalColumns=workclass",
              "--filter=country=DE,FR",
              "--delimiter=tab",
              "--modelFormat=json",
              "--maxRowsPerEntity=5000",
              "--compareGlobal=true",
              "--rounds=20",
              "--modelCandidates=own,fleet",
              "--thresholdObjective=precision",
              "--targetPrecision=0.9",
              "--fleetTuneRounds=5",
              "--validationFraction=0.3"
            });
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    assertEquals(FlinkRunner.class, o.getRunner());
    assertEquals("[local]", flink.getFlinkMaster());
    assertTrue(!flink.isStreaming(), "bounded input runs as a Flink batch job");
    assertTrue(flink.getAttachedMode(), "the command waits for the job");

    BatchTrainingConfig c = BatchTrainingJob.config(o, "run-1");
    assertEquals(TabularFormat.Kind.CSV, c.format().kind());
    assertEquals('\t', c.format().delimiter());
    assertEquals(java.util.List.of("plant", "line"), c.schema().entityColumns());
    assertEquals(java.util.List.of("age", "hours per week"), c.schema().numericColumns());
    assertEquals(1, c.schema().labels().apply(">50K"));
    assertEquals(java.util.List.of("country"), c.schema().filter().columns());
    assertEquals(ModelFormat.JSON, c.modelFormat());
    assertEquals(5000, c.maxRowsPerEntity());
    assertEquals(20, c.training().rounds());
    assertEquals(
        java.util.Set.of(
            io.fleetlearn.training.ModelKind.OWN, io.fleetlearn.training.ModelKind.FLEET),
        c.training().candidates());
    assertEquals(
        io.fleetlearn.training.ThresholdObjective.PRECISION, c.training().thresholdObjective());
    assertEquals(0.9, c.training().targetPrecision(), 0);
    assertEquals(5, c.training().fleetTuneRounds());
    assertEquals(0.3, c.training().validationFraction(), 0);
    assertTrue(c.compareGlobal());
    assertEquals("/tmp/out/entities/", c.outputPath("entities/"));
  }

  @Test
  void jsonLinesAreRecognisedByExtensionAndAnExplicitMasterIsKept() {
    BatchTrainOptions o =
        BatchTrainingJob.parseOptions(
            new String[] {
              "--input=/data/events.jsonl.gz",
              "--output=/tmp/out",
              "--entityColumns=machineId",
              "--labelColumn=defect",
              "--numericColumns=temperature",
              "--flinkMaster=flink-jobmanager:8081"
            });
    assertEquals("flink-jobmanager:8081", o.as(FlinkPipelineOptions.class).getFlinkMaster());
    assertEquals(TabularFormat.Kind.JSONL, BatchTrainingJob.config(o).format().kind());
  }

  @Test
  void requiredFlagsAndBadValuesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BatchTrainingJob.parseOptions(new String[] {"--input=x.csv", "--output=/tmp/o"}));
    BatchTrainOptions o =
        BatchTrainingJob.parseOptions(
            new String[] {
              "--input=x.csv",
              "--output=/tmp/o",
              "--entityColumns=id",
              "--labelColumn=y",
              "--numericColumns=x",
              "--labelMapping=yes=1"
            });
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BatchTrainingJob.config(o));
    assertTrue(e.getMessage().contains("each class"), e.getMessage());
  }

  @Test
  void aMisspelledColumnIsReportedWithTheHeaderBeforeAnyJobStarts() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "train",
              "--input=" + ai4i(),
              "--output=" + tmp.resolve("out"),
              "--entityColumns=Type",
              "--labelColumn=Machine Failure",
              AI4I_NUMERIC
            },
            new PrintStream(buf, true, StandardCharsets.UTF_8),
            new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, out);
    assertTrue(out.contains("lacks column(s) [Machine Failure]"), out);
    assertTrue(out.contains("Machine failure"), "the actual header is shown: " + out);
  }

  @Test
  void anInputThatMatchesNothingIsReported() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "train",
              "--input=" + tmp.resolve("nothing-*.csv"),
              "--output=" + tmp.resolve("out"),
              "--entityColumns=Type",
              "--labelColumn=y",
              "--numericColumns=x"
            },
            new PrintStream(buf, true, StandardCharsets.UTF_8),
            new PrintStream(buf, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("no history file matches"));
  }

  /** Through {@link Main}: fails until {@code train} is registered there. */
  @Test
  void helpListsTheBatchOptionsWithTheirDefaults() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(
        0,
        Main.run(
            new String[] {"train", "--help"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String flag :
        new String[] {
          "--maxRowsPerEntity",
          "--labelMapping",
          "--categoricalColumns",
          "--publishModels",
          "--filter",
          "--timeColumn",
          "--flinkMaster"
        }) {
      assertTrue(help.contains(flag), flag);
    }
    assertTrue(help.contains("--maxRowsPerEntity=int  (default: 100000)"), help);
  }
}
