package io.fleetlearn.tools.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@code models list|show|export}. */
public interface ModelsOptions extends KafkaOptions {
  @Description("The machine to show or export (@fleet for the fleet model).")
  @Default.String("")
  String getMachine();

  void setMachine(String value);

  @Description("File the exported model is written to.")
  @Default.String("")
  String getOutput();

  void setOutput(String value);

  @Description("Format of the exported model: ubj (as published) or json (XGBoost's JSON model).")
  @Default.String("ubj")
  String getFormat();

  void setFormat(String value);

  @Description("How long to wait to read the whole model-updates topic.")
  @Default.String("60s")
  String getTimeout();

  void setTimeout(String value);
}
