package io.fleetlearn.cli;

import io.fleetlearn.cli.options.BenchScoringOptions;
import io.fleetlearn.command.Command;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.scoring.ModelEvaluator;
import io.fleetlearn.scoring.ModelEvaluators;
import io.fleetlearn.scoring.TreeEnsemble;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.XgbTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@code bench-scoring}: per-event scoring latency and throughput of the three ways to score, on
 * models trained here with the product's parameters: the pure-Java {@link TreeEnsemble} one event
 * at a time (what the pipeline does), xgboost4j's {@code inplace_predict} one event at a time, and
 * xgboost4j on batches. Events cycle through the models, as a stream of many machines does. Each
 * method is warmed up, then measured twice per run: once for throughput (no per-event clock reads),
 * once with a clock read around every call for the latency percentiles. Single-threaded.
 */
public final class BenchScoringCommand extends Command {
  public BenchScoringCommand() {
    super(
        "bench-scoring",
        "measure scoring latency and throughput (pure-Java trees vs xgboost4j)",
        "Measures per-event scoring latency and throughput on this machine: the pure-Java tree\n"
            + "evaluator, xgboost4j inplace_predict one event at a time, and xgboost4j on batches,\n"
            + "on models trained here with the product's parameters. Prints a Markdown table.");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(BenchScoringOptions.class);
  }

  private static final int COLS = 4;

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    // No withValidation(): it resolves a default runner (the DirectRunner, which the shaded jar
    // does not have), and this benchmark runs no pipeline. Unknown flags are still refused.
    BenchScoringOptions o = parse(args, BenchScoringOptions.class);
    TrainingParams params =
        TrainingParams.builder().rounds(o.getRounds()).maxDepth(o.getMaxDepth()).build();
    int m = o.getModels();
    byte[][] models = new byte[m][];
    for (int i = 0; i < m; i++) {
      models[i] = train(params, o.getTrainRows(), 1000 + i);
    }
    int n = o.getEvents();
    float[] rows = rows(n, 42);
    TreeEnsemble[] trees = new TreeEnsemble[m];
    Booster[] boosters = new Booster[m];
    try {
      long[] loadNanos = new long[m];
      for (int i = 0; i < m; i++) {
        long t = System.nanoTime();
        ModelEvaluator e = ModelEvaluators.load(models[i]);
        loadNanos[i] = System.nanoTime() - t;
        trees[i] = (TreeEnsemble) e;
        boosters[i] = XgbTrainer.load(models[i]);
      }
      double maxDiff = maxDifference(trees, boosters, rows, Math.min(n, 20_000));
      out.println("## Scoring");
      out.println();
      out.printf(
          Locale.ROOT,
          "Machine: %s, %d cores (%s); Java %s (%s); xgboost4j_2.13 2.1.4; nthread=1.%n",
          cpuModel(),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("os.name") + " " + System.getProperty("os.arch"),
          System.getProperty("java.version"),
          System.getProperty("java.vm.name"));
      out.printf(
          Locale.ROOT,
          "Models: %d, each binary:logistic, hist, %d rounds, max_depth %d, trained on %d rows x %d"
              + " features (%d trees, %d nodes); events: %d rows, 5%% missing values,"
              + " cycling through the models; %d runs, best throughput and median latencies kept."
              + "%n",
          m,
          o.getRounds(),
          o.getMaxDepth(),
          o.getTrainRows(),
          COLS,
          trees[0].trees(),
          trees[0].nodes(),
          n,
          o.getRuns());
      out.printf(
          Locale.ROOT,
          "Loading a model (UBJ → pure-Java trees, via xgboost4j's JSON): %.2f ms (median)."
              + " Largest difference between the two evaluators' probabilities: %.2e.%n%n",
          median(loadNanos) / 1e6,
          maxDiff);
      out.println(
          "| method | events/s | mean µs/event | p50 µs | p99 µs | p99.9 µs |\n"
              + "|---|---:|---:|---:|---:|---:|");
      report(out, "pure-Java trees, per event", o, n, i -> predictJava(trees, rows, i, m));
      report(
          out,
          "xgboost4j inplace_predict, per event",
          o,
          Math.min(n, o.getNativeEvents()),
          i -> predictXgb(boosters, rows, i, m));
      int b = o.getBatchSize();
      report(
          out,
          "xgboost4j inplace_predict, batches of " + b + " (µs per event amortised)",
          o,
          n / b,
          i -> predictXgbBatch(boosters, rows, i, m, b, n),
          b);
    } finally {
      for (Booster bo : boosters) {
        if (bo != null) {
          bo.dispose();
        }
      }
    }
    return 0;
  }

  /** One call: score item {@code i}; returns something so the JIT cannot drop the work. */
  private interface Call {
    float apply(int i) throws XGBoostError;
  }

  private static void report(PrintStream out, String name, BenchScoringOptions o, int calls, Call c)
      throws XGBoostError {
    report(out, name, o, calls, c, 1);
  }

  private static void report(
      PrintStream out, String name, BenchScoringOptions o, int calls, Call c, int eventsPerCall)
      throws XGBoostError {
    float sink = 0;
    for (int i = 0; i < calls / 5; i++) {
      sink += c.apply(i);
    }
    double best = 0;
    double[][] pct = new double[o.getRuns()][];
    long[] lat = new long[calls];
    for (int run = 0; run < o.getRuns(); run++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink += c.apply(i);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, calls * (double) eventsPerCall / seconds);
      for (int i = 0; i < calls; i++) {
        long s = System.nanoTime();
        sink += c.apply(i);
        lat[i] = System.nanoTime() - s;
      }
      long[] sorted = lat.clone();
      Arrays.sort(sorted);
      double mean = Arrays.stream(sorted).average().orElse(0);
      pct[run] =
          new double[] {
            mean / eventsPerCall / 1e3,
            sorted[(int) (calls * 0.5)] / (double) eventsPerCall / 1e3,
            sorted[(int) Math.min(calls - 1, calls * 0.99)] / (double) eventsPerCall / 1e3,
            sorted[(int) Math.min(calls - 1, calls * 0.999)] / (double) eventsPerCall / 1e3
          };
    }
    Arrays.sort(pct, (a, b) -> Double.compare(a[1], b[1]));
    double[] med = pct[pct.length / 2];
    out.printf(
        Locale.ROOT,
        "| %s | %,.0f | %.2f | %.2f | %.2f | %.2f |%n",
        name,
        best,
        med[0],
        med[1],
        med[2],
        med[3]);
    if (Float.isNaN(sink)) {
      out.println("(sink " + sink + ")");
    }
  }

  private static float predictJava(TreeEnsemble[] t, float[] rows, int i, int m) {
    float[] row = Arrays.copyOfRange(rows, i * COLS, i * COLS + COLS);
    return t[i % m].predict(row);
  }

  private static float predictXgb(Booster[] b, float[] rows, int i, int m) throws XGBoostError {
    float[] row = Arrays.copyOfRange(rows, i * COLS, i * COLS + COLS);
    return b[i % m].inplace_predict(row, 1, COLS, Float.NaN)[0][0];
  }

  private static float predictXgbBatch(Booster[] b, float[] rows, int i, int m, int size, int n)
      throws XGBoostError {
    int start = (i * size) % (n - size + 1);
    float[] batch = Arrays.copyOfRange(rows, start * COLS, (start + size) * COLS);
    return b[i % m].inplace_predict(batch, size, COLS, Float.NaN)[size - 1][0];
  }

  private static double maxDifference(TreeEnsemble[] t, Booster[] b, float[] rows, int n)
      throws XGBoostError {
    double max = 0;
    for (int k = 0; k < t.length; k++) {
      float[] mine = new float[n];
      t[k].predict(rows, n, COLS, mine);
      float[][] theirs = b[k].inplace_predict(Arrays.copyOf(rows, n * COLS), n, COLS, Float.NaN);
      for (int i = 0; i < n; i++) {
        max = Math.max(max, Math.abs(mine[i] - theirs[i][0]));
      }
    }
    return max;
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static float[] rows(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * COLS];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble() < 0.05 ? Float.NaN : (float) (r.nextGaussian() * 1.3);
    }
    return x;
  }

  private static byte[] train(TrainingParams params, int rows, long seed) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(COLS, rows);
    for (int i = 0; i < rows; i++) {
      float[] f = new float[COLS];
      for (int j = 0; j < COLS; j++) {
        f[j] = r.nextDouble() < 0.05 ? Float.NaN : (float) r.nextGaussian();
      }
      double z = (Float.isNaN(f[0]) ? 0 : f[0]) * 1.5 + (Float.isNaN(f[1]) ? 0 : f[1] * f[2]);
      byte label = (byte) (r.nextDouble() < 1 / (1 + Math.exp(-(2 * z - 1.5))) ? 1 : 0);
      s.add(new SensorEvent("bench-" + seed, i, f, label));
    }
    TrainingResult t = new XgbTrainer(params).train(s);
    if (!t.isTrained()) {
      throw new IllegalStateException("benchmark model not trained: " + t.reason());
    }
    return t.model();
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture below says enough
    }
    return "unknown CPU";
  }
}
