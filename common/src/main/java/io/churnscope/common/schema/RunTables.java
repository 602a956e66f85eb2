package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;

/** Quarantine and the {@code _runs} zone: what was rejected, and what each run did. */
public final class RunTables {
  private RunTables() {}

  public static final TableSpec QUARANTINE = new TableSpec("quarantine", "records", schema(
      required("source", StringType, "Raw source the record came from (clickstream, invoices, ...)."),
      required("ingest_date", DateType, "Delivery date of the record."),
      required("source_file", StringType, "Raw file the record was read from."),
      optional("source_line", LongType, "Line of the record in source_file, from 1 (a CSV's header is line 1), when "
          + "source_split_byte is 0. For a file Spark read in parts (an uncompressed file bigger than "
          + "min(spark.sql.files.maxPartitionBytes, max(spark.sql.files.openCostInBytes, bytes per core))), the line "
          + "within the part, which begins with the first line starting after byte source_split_byte."),
      optional("source_split_byte", LongType, "0 when source_file was read whole, so source_line is its line number; "
          + "otherwise the byte offset where the part source_line counts in begins."),
      required("record", StringType, "The record as delivered (a JSON or CSV line; a line over 10,000 characters keeps its start), its personal data masked: e-mail and IP addresses and the privacy.pii-keys fields replaced by a kind and a salted hash (docs/runbook.md, The quarantine)."),
      required("reason", StringType, "Why it was rejected: oversized_record, invalid_encoding, malformed_json, malformed_csv, missing_field, wrong_type, duplicate, unknown_account, unresolved_account, negative_amount, unknown_currency, too_late, too_old, future_timestamp, invalid_value."),
      optional("detail", StringType, "The field or value at fault."),
      required("run_id", StringType, "Run that quarantined it.")),
      List.of(), "Every rejected record, with its reason and source file. Nothing is dropped silently. The operators' table: named in the catalogs only with catalog.publish-quarantine.");

  public static final TableSpec RUN_MANIFEST = new TableSpec("_runs", "run_manifest", schema(
      required("run_id", StringType, "Run identifier (run date and start time)."),
      required("run_date", DateType, "Business date the run processed."),
      required("stage", StringType, "Stage name."),
      required("status", StringType, "succeeded; unchanged (not run again: its inputs, outputs, code and configuration "
          + "were those its last success on the run date left, see fingerprint); failed; skipped (an earlier stage failed); or "
          + "interrupted (the run's driver died during this stage: recorded, under the dead run's id, by the next nightly that "
          + "took over the lake's lock)."),
      required("started_at", TimestampType, "Stage start, UTC."),
      required("duration_ms", LongType, "Stage wall time."),
      required("rows_in", LongType, "Records read."),
      required("rows_out", LongType, "Rows published."),
      required("rows_quarantined", LongType, "Records sent to quarantine."),
      optional("input_files", createArrayType(StringType), "Tables the stage reads (its declared data flow), then the raw deliveries it read."),
      optional("message", StringType, "What happened, in a sentence (the error, for a failed stage)."),
      optional("spark_jobs", LongType, "Spark jobs the stage ran (Delta's log and checkpoint jobs included)."),
      optional("task_ms", LongType, "Task run time summed over all cores."),
      optional("input_bytes", LongType, "Bytes tasks read from files."),
      optional("shuffle_read_bytes", LongType, "Bytes read from shuffles."),
      optional("shuffle_write_bytes", LongType, "Bytes written to shuffles."),
      optional("spill_bytes", LongType, "Bytes spilled by sorts and aggregations (memory and disk)."),
      optional("output_bytes", LongType, "Bytes tasks wrote to files."),
      optional("peak_heap_mb", LongType, "Highest driver heap in use during the stage, garbage included."),
      optional("retained_heap_mb", LongType, "Highest old-generation heap in use after a collection: data the driver JVM "
          + "holds (in local mode the executor shares that JVM)."),
      optional("fingerprint", StringType, "After a success: a hash of what the result depends on (run date, configuration, "
          + "code, the Delta version of each table the stage reads or writes, the files of the date's raw deliveries it reads). "
          + "A later run of the date that finds it unchanged does not run the stage again.")),
      List.of(), "One row per stage per nightly run, with what it cost.");

  public static final TableSpec INGEST_WATERMARKS = new TableSpec("_runs", "ingest_watermarks", schema(
      required("source", StringType, "Raw source."),
      required("ingested_through", DateType, "Latest delivery date ingested."),
      required("run_id", StringType, "Run that last moved it.")),
      List.of(), "How far each raw source has been ingested: the next nightly reads only newer deliveries.");

  /**
   * The run's bookkeeping: every night's stages (and each ingested source) append a few rows to them,
   * each writing its own slice. The stage fingerprint leaves their versions out; the nightly's
   * maintain-lake stage compacts their small files.
   */
  public static final List<TableSpec> BOOKKEEPING = List.of(RUN_MANIFEST, QUARANTINE, INGEST_WATERMARKS);
}
