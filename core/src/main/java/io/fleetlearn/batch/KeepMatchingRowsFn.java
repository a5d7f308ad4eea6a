package io.fleetlearn.batch;

import org.apache.beam.sdk.transforms.DoFn;

/** Passes the rows that satisfy the schema's {@link RowFilter}; counts the others. */
final class KeepMatchingRowsFn extends DoFn<TabularRecord, TabularRecord> {
  private final TabularSchema schema;

  KeepMatchingRowsFn(TabularSchema schema) {
    this.schema = schema;
  }

  @ProcessElement
  public void process(@Element TabularRecord r, OutputReceiver<TabularRecord> out) {
    if (schema.keeps(r.values())) {
      out.output(r);
    } else {
      BatchCounters.counter(BatchCounters.ROWS_FILTERED_OUT).inc();
    }
  }
}
