package io.fleetlearn.scoring;

/**
 * Scores feature rows with one loaded model: the probability of a defect for each row. Rows are
 * dense float vectors in the model's feature order, {@code NaN} for a missing value.
 * Implementations are safe for concurrent use; {@link #close()} releases native memory where there
 * is any, and an evaluator must not be used after it.
 */
public interface ModelEvaluator extends AutoCloseable {
  /** The probability for one row of {@link #features()} values. */
  float predict(float[] row);

  /**
   * Scores {@code rows} rows of the row-major {@code data} ({@code cols} wide) into {@code out}.
   */
  void predict(float[] data, int rows, int cols, float[] out);

  /** Number of features the model expects. */
  int features();

  /** How it scores: {@code "java-trees"} (pure Java) or {@code "xgboost4j"} (native). */
  String kind();

  @Override
  void close();
}
