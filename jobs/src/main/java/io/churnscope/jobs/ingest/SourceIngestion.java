package io.churnscope.jobs.ingest;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.spark.HeldFrames;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * The steps every raw source goes through, as small transforms:
 * read lines → parse → check presence and types → type → source checks → de-duplicate → split.
 * The good rows are published to the staged zone, the rest to quarantine, both with
 * {@code replaceWhere} on the batch's delivery dates so a re-run replaces exactly its own rows.
 */
public final class SourceIngestion {
  /** Columns carried from the raw line to the end, besides the typed fields. */
  static final List<String> LINEAGE = List.of("record", "ingest_date", "source_file", RawDeliveries.LINE,
      RawDeliveries.SPLIT_BYTE, Check.REASON, Check.DETAIL);

  private SourceIngestion() {}

  /**
   * Lines of the batch, parsed, with presence and type checks applied and the fields typed. The
   * batch's files are checked first ({@link DeliveryFiles}): a file that is not the feed's fails the run.
   */
  public static Dataset<Row> readTyped(SparkSession spark, Lake lake, RawSource source, IngestWindow window) {
    DeliveryFiles.check(spark, lake, source, window.dates());
    Dataset<Row> lines = RawDeliveries.lines(spark, lake, source.rawDir(), window.dates(), source.csvHeader());
    Dataset<Row> parsed = source.isCsv()
        ? RecordParser.csv(lines, RecordParser.strings(source.csvColumns().toArray(String[]::new)))
        : RecordParser.json(lines, source.jsonSchema());
    return typed(parsed, source.fields());
  }

  /**
   * Presence and type checks, then one typed column per field. The raw text of each field is first
   * extracted into its own column, so the checks and the conversions read a column rather than
   * re-reading the parsed struct (the parser's expression is never copied into every check).
   */
  public static Dataset<Row> typed(Dataset<Row> parsed, List<Field> fields) {
    List<Column> extracted = new ArrayList<>(LINEAGE.stream().map(functions::col).toList());
    extracted.add(functions.col("r"));
    for (Field field : fields) {
      extracted.add(field.extract().as("_raw_" + field.name()));
    }
    Dataset<Row> raw = parsed.select(extracted.toArray(Column[]::new));
    List<Check> checks = new ArrayList<>();
    for (Field field : fields) {
      if (field.required()) {
        checks.add(new Check("missing_field", field.name(), field.raw().isNull()));
      }
    }
    for (Field field : fields) {
      checks.add(new Check("wrong_type", field.name(), field.raw().isNotNull().and(field.typed().isNull())));
    }
    Dataset<Row> checked = Check.classify(raw, checks);
    List<Column> columns = new ArrayList<>(LINEAGE.stream().map(functions::col).toList());
    columns.add(functions.col("r"));
    for (Field field : fields) {
      columns.add(functions.when(Check.isGood(), field.typed()).as(field.name()));
    }
    return checked.select(columns.toArray(Column[]::new));
  }

  /**
   * Marks as {@code duplicate} every good record whose key was already seen: earlier in the batch
   * (by delivery date, then file, then line: the first delivered copy is kept) or in {@code existingKeys}
   * (keys staged by earlier deliveries).
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> records, List<String> keys, Dataset<Row> existingKeys) {
    Column[] keyColumns = keys.stream().map(functions::col).toArray(Column[]::new);
    // Ranked among the records of the same key and the same standing, so a bad copy never
    // outranks a good one; no filter here, so nothing is pushed back into the parser's plan.
    Column[] partition = java.util.stream.Stream.concat(Arrays.stream(keyColumns), java.util.stream.Stream.of(Check.isGood()))
        .toArray(Column[]::new);
    org.apache.spark.sql.expressions.WindowSpec inDeliveryOrder = Window.partitionBy(partition)
        .orderBy("ingest_date", "source_file", RawDeliveries.SPLIT_BYTE, RawDeliveries.LINE);
    // The first copy's delivery date: a later copy from another delivery was "already delivered", in a
    // back-fill batch of many deliveries as in a night of one (the quarantine says the same either way).
    Dataset<Row> ranked = records.withColumn("_rank", functions.row_number().over(inDeliveryOrder))
        .withColumn("_first_delivery", functions.min("ingest_date").over(inDeliveryOrder));
    Dataset<Row> seen = existingKeys.select(keyColumns).distinct().withColumn("_seen", functions.lit(true));
    Dataset<Row> joined = ranked.join(seen, scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "left");
    Column repeated = functions.col("_rank").gt(1);
    Column earlierDelivery = functions.col("_first_delivery").lt(functions.col("ingest_date"));
    Dataset<Row> marked = Check.classify(joined, List.of(
        new Check("duplicate", "key " + String.join(",", keys) + " already delivered",
            functions.col("_seen").or(repeated.and(earlierDelivery))),
        new Check("duplicate", "key " + String.join(",", keys) + " repeated in this delivery", repeated)));
    return marked.drop("_rank", "_seen", "_first_delivery");
  }

  /**
   * Computes a classified batch once, the one materialization the counts and every write read from
   * ({@link HeldFrames}: a cached batch would be computed again after each write, since it was read
   * partly from the table being written). Release it with {@link HeldFrames#release}. A good row
   * keeps no copy of its raw line (only quarantined rows need it), which keeps a history backfill's
   * batch small; a rejected line longer than {@link #KEPT_RECORD_CHARS} keeps its start only.
   */
  public static Dataset<Row> holdClassified(Dataset<Row> classified) {
    return HeldFrames.hold(classified.withColumn("record",
        functions.when(Check.isGood().unary_$bang(), kept(functions.col("record")))));
  }

  /** A line as the quarantine keeps it: whole, or its first {@link #KEPT_RECORD_CHARS} and how much was cut. */
  static Column kept(Column record) {
    Column length = functions.length(record);
    return functions.when(length.gt(KEPT_RECORD_CHARS),
        functions.concat(functions.substring(record, 1, KEPT_RECORD_CHARS), functions.lit(" [... "),
            length.minus(KEPT_RECORD_CHARS).cast("string"), functions.lit(" more characters cut]")))
        .otherwise(record);
  }

  /**
   * How much of a rejected line the quarantine keeps: far more than any feed's record (a few hundred
   * characters), far less than a file whose line ends were lost (one 50 MB "line", which would
   * otherwise be held in memory and written to the quarantine whole).
   */
  static final int KEPT_RECORD_CHARS = 10_000;

  /** Marks records whose account is not in the CRM as {@code unknown_account}. */
  public static Dataset<Row> markUnknownAccounts(Dataset<Row> records, Dataset<Row> knownAccountIds) {
    Dataset<Row> known = functions.broadcast(
        knownAccountIds.select("account_id").distinct().withColumn("_known", functions.lit(true)));
    Dataset<Row> joined = records.join(known, scala.jdk.javaapi.CollectionConverters.asScala(List.of("account_id")).toSeq(), "left");
    return Check.classify(joined, List.of(new Check("unknown_account", "account not in the CRM",
        functions.col("account_id").isNotNull().and(functions.col("_known").isNull())))).drop("_known");
  }

  /** Accounts the CRM knows, from the staged CRM history. */
  public static Dataset<Row> knownAccounts(SparkSession spark, Lake lake) {
    return DeltaIO.readOrEmpty(spark, lake, io.churnscope.common.schema.StagedTables.CRM_ACCOUNTS).select("account_id");
  }

  /** Keys staged by deliveries before this batch (for de-duplication across deliveries). */
  public static Dataset<Row> earlierKeys(SparkSession spark, Lake lake, TableSpec table, IngestWindow window, List<String> keys) {
    return DeltaIO.readOrEmpty(spark, lake, table)
        .where(functions.col("ingest_date").lt(functions.lit(java.sql.Date.valueOf(window.from()))))
        .select(keys.stream().map(functions::col).toArray(Column[]::new));
  }

  /** Publishes the good rows of a batch to {@code table}, replacing what this batch wrote before. */
  public static void publish(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> good, IngestWindow window) {
    publish(spark, lake, table, null, good, window);
  }

  /**
   * As above, for a table several sources write: {@code slice} (e.g. {@code source = 'server_log'})
   * limits the replacement to this source's rows.
   */
  public static void publish(SparkSession spark, Lake lake, TableSpec table, String slice, Dataset<Row> good, IngestWindow window) {
    String predicate = slice == null ? window.ingestDatePredicate() : slice + " AND " + window.ingestDatePredicate();
    DeltaIO.replaceWhere(spark, lake, table, good, predicate);
  }

  /**
   * Publishes the rejected records of a batch, replacing what this batch quarantined before; their
   * personal data masked ({@link QuarantineRedaction}).
   */
  public static void quarantine(SparkSession spark, RunContext run, RawSource source, Dataset<Row> rejected,
      IngestWindow window) {
    QuarantineRedaction redaction = new QuarantineRedaction(PrivacySettings.from(run.config()));
    Dataset<Row> rows = rejected.select(
        functions.lit(source.name()).as("source"),
        functions.col("ingest_date"),
        functions.col("source_file"),
        functions.col(RawDeliveries.LINE),
        functions.col(RawDeliveries.SPLIT_BYTE),
        redaction.masked(functions.col("record"), source.csvColumns()).as("record"),
        functions.col(Check.REASON).as("reason"),
        functions.col(Check.DETAIL).as("detail"),
        functions.lit(run.runId()).as("run_id"));
    DeltaIO.replaceWhere(spark, run.lake(), RunTables.QUARANTINE, rows,
        "source = '" + source.name() + "' AND " + window.ingestDatePredicate());
  }

  /** Lists the raw partitions read, for the manifest. */
  public static List<String> inputs(Lake lake, RawSource source, IngestWindow window) {
    List<LocalDate> dates = window.dates();
    if (dates.size() <= 3) {
      return dates.stream().map(d -> lake.rawDelivery(source.rawDir(), d)).toList();
    }
    return List.of(lake.raw(source.rawDir()) + "/dt={" + dates.get(0) + ".." + dates.get(dates.size() - 1)
        + "} (" + dates.size() + " deliveries)");
  }
}
