package io.fleetlearn.job.options;

import io.fleetlearn.batch.LabelMapping;
import io.fleetlearn.batch.MissingValues;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * A history table: where its files are, how they are laid out, and what its columns mean (entity
 * key, label, features, time, filter). Column lists are comma-separated; quote names with spaces.
 */
public interface TabularInputOptions extends PipelineOptions {
  @Description(
      "History file(s): a path or glob on any Beam filesystem (local, gs://, s3://, hdfs:// with"
          + " its module on the classpath). .gz, .bz2, .zst and .deflate files are decompressed.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description(
      "File format: csv, jsonl (one JSON object per line) or auto (jsonl for .jsonl/.ndjson/.json"
          + " files, else csv).")
  @Default.String("auto")
  String getFormat();

  void setFormat(String value);

  @Description("CSV field delimiter: one character, or tab.")
  @Default.String(",")
  String getDelimiter();

  void setDelimiter(String value);

  @Description("CSV quote character; a quote inside a quoted field is doubled.")
  @Default.String("\"")
  String getQuote();

  void setQuote(String value);

  @Description(
      "Names of a headerless CSV's fields, comma-separated, in order. Empty: the first line is the"
          + " header.")
  @Default.String("")
  String getColumnNames();

  void setColumnNames(String value);

  @Description(
      "Column(s) whose values identify the entity that gets its own model, e.g. machineId or"
          + " plant,line.")
  @Validation.Required
  String getEntityColumns();

  void setEntityColumns(String value);

  @Description("Joins the values of several entity columns into one key.")
  @Default.String(":")
  String getEntitySeparator();

  void setEntitySeparator(String value);

  @Description("The label column (the defect / positive class after mapping).")
  @Validation.Required
  String getLabelColumn();

  void setLabelColumn(String value);

  @Description(
      "Label values to classes, VALUE=0|1 comma-separated, matched trimmed and case-insensitively,"
          + " e.g. '>50K=1,<=50K=0'; '*=0' maps every other value. A missing label leaves the row"
          + " unlabelled; an unmapped one rejects it.")
  @Default.String(LabelMapping.DEFAULT)
  String getLabelMapping();

  void setLabelMapping(String value);

  @Description(
      "Numeric feature columns. Missing values become NaN (XGBoost's missing); a value that is not"
          + " a finite decimal number rejects the row.")
  @Default.String("")
  String getNumericColumns();

  void setNumericColumns(String value);

  @Description(
      "Categorical feature columns, one-hot encoded as column=value features. A value unseen in"
          + " training (or beyond --maxCategories) encodes as all zeros; a missing one as NaN.")
  @Default.String("")
  String getCategoricalColumns();

  void setCategoricalColumns(String value);

  @Description("Most one-hot features per categorical column: its most frequent values.")
  @Default.Integer(100)
  int getMaxCategories();

  void setMaxCategories(int value);

  @Description(
      "Optional time column: epoch millis, ISO-8601 instant/offset date-time, or local date-time or"
          + " date taken as UTC. Gives each model the time span it was trained on.")
  @Default.String("")
  String getTimeColumn();

  void setTimeColumn(String value);

  @Description(
      "Keep only rows whose column holds one of the values: COLUMN=V1,V2 ; several conditions"
          + " separated by ';' must all hold. Empty keeps every row.")
  @Default.String("")
  String getFilter();

  void setFilter(String value);

  @Description("Cell values that mean 'missing' besides a blank cell (case-insensitive).")
  @Default.String(MissingValues.DEFAULT_TOKENS)
  String getMissingValues();

  void setMissingValues(String value);
}
