package io.churnscope.jobs.ingest.mapping;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.LakeLocked;
import io.churnscope.common.UserError;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.ingest.Check;
import io.churnscope.jobs.ingest.DeliveryFiles;
import io.churnscope.jobs.ingest.Field;
import io.churnscope.jobs.ingest.IngestWindow;
import io.churnscope.jobs.ingest.RawDeliveries;
import io.churnscope.jobs.ingest.RawSource;
import io.churnscope.jobs.ingest.RecordParser;
import io.churnscope.jobs.ingest.SourceIngestion;
import io.churnscope.jobs.ingest.TableIngestion;
import io.churnscope.common.run.RunManifest;
import io.churnscope.common.run.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Command {@code ingest-mapped}: ingests files of another layout through a declarative
 * {@link SourceMapping}, with the same checks, quarantine and de-duplication as the native
 * sources. Every row lands in its staged table or in quarantine ({@code <mapping>.<table>}). Each
 * file is checked whole first as a delivered file is ({@link DeliveryFiles}: readable, UTF-8 — a
 * file that is not fails the run with one line naming it), and a line longer than any record is
 * {@code oversized_record}, kept short ({@link RawDeliveries#lines(Dataset, Column, String)}).
 *
 * <pre>
 * bin/churnscope ingest-mapped --mapping ravenstack --source-dir DATASETS/ravenstack \
 *   --lake /tmp/raven-lake --run-date 2025-01-01
 * </pre>
 */
public final class MappedIngest {
  public static class Args extends JobArgs {
    @Parameter(names = "--mapping", required = true,
        description = "A mapping file (HOCON), or the name of a packaged one from conf/mappings (e.g. ravenstack).")
    public String mapping;

    @Parameter(names = "--source-dir", required = true, description = "Folder (or URI) holding the mapping's files.")
    public String sourceDir;

    @Override
    public void validate() {
      super.validate();
      SourceMapping.load(mapping);
      io.churnscope.jobs.ingest.PrivacySettings.requireOwnSalt(config(), lake());
    }
  }

  private static final LakeLocked<Args> LOCK =
      new LakeLocked<>(args -> "ingest-mapped --mapping " + args.mapping, args -> args.runDate().toString());

  private MappedIngest() {}

  /** The command: the lake's run lock is taken before Spark starts, so a refused run ends at once. */
  public static void main(String[] argv) throws Exception {
    LOCK.main("ingest-mapped", argv, new Args(), MappedIngest::ingestAll);
  }

  /** Ingests under the lake's run lock: it writes staged tables, the quarantine and the manifest as a nightly does. */
  public static StageResult run(SparkSession spark, Args args) {
    return LOCK.run(spark, args, MappedIngest::ingestAll);
  }

  private static StageResult ingestAll(SparkSession spark, Args args) {
    SourceMapping mapping = SourceMapping.load(args.mapping);
    RunContext run = RunContext.start(args.runDate(), args.lake(), args.config());
    List<RunManifest.Entry> entries = new ArrayList<>();
    StageResult total = StageResult.nothingToDo("");
    for (SourceMapping.TableMapping table : mapping.tables()) {
      Instant started = Instant.now();
      StageResult result = ingest(spark, run, mapping.name(), table, args.sourceDir);
      RunManifest.Entry entry = new RunManifest.Entry("ingest-mapped:" + table.target().name(), "succeeded", started,
          Duration.between(started, Instant.now()).toMillis(), result);
      RunManifest.record(spark, run, entry);
      entries.add(entry);
      total = total.plus(result);
    }
    System.out.println(RunSummary.render(run, entries));
    return total;
  }

  static StageResult ingest(SparkSession spark, RunContext run, String mappingName, SourceMapping.TableMapping table,
      String sourceDir) {
    String file = sourceDir + "/" + table.file();
    String sourceName = mappingName + "." + table.target().name();
    try {
      return ingestFile(spark, run, sourceName, table, file);
    } catch (RuntimeException e) {
      // A gzip cut short, or a .gz that is not gzip, fails when Spark reads past the first line.
      throw DeliveryFiles.unreadable(sourceName, e);
    }
  }

  private static StageResult ingestFile(SparkSession spark, RunContext run, String sourceName, SourceMapping.TableMapping table,
      String file) {
    String headerLine = headerLine(spark, sourceName, file);
    List<String> header = columns(file, headerLine);
    List<Field> fields = new ArrayList<>();
    for (StructField column : table.target().schema().fields()) {
      if (!SourceMapping.LINEAGE.contains(column.name())) {
        fields.add(new Field(column.name(), column.name(), column.dataType(), !column.nullable()));
      }
    }
    RawSource source = RawSource.csv(sourceName, file, header, fields, table.key());
    IngestWindow window = new IngestWindow(sourceName, List.of(run.runDate()));

    Dataset<Row> lines = RawDeliveries.lines(spark.read().text(file), lit(java.sql.Date.valueOf(run.runDate())),
        headerLine);
    Dataset<Row> parsed = RecordParser.csv(lines, RecordParser.strings(header.toArray(String[]::new)));
    Dataset<Row> flat = parsed.select(col("record"), col("ingest_date"), col("source_file"), col(RawDeliveries.LINE),
        col(RawDeliveries.SPLIT_BYTE), col(Check.REASON),
        col(Check.DETAIL), col("r.*"));
    if (table.accountFromSubscription() != null) {
      Dataset<Row> accounts = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS)
          .select(col("subscription_id").as("_sub"), col("account_id").as("subscription_account_id")).distinct();
      flat = flat.join(accounts, col(table.accountFromSubscription()).equalTo(col("_sub")), "left").drop("_sub");
    }
    List<Column> mapped = new ArrayList<>();
    for (Field field : fields) {
      String expression = table.columns().get(field.name());
      mapped.add((expression == null ? lit(null) : expr(expression)).cast(DataTypes.StringType).as(field.name()));
    }
    Dataset<Row> withR = flat.select(col("record"), col("ingest_date"), col("source_file"), col(RawDeliveries.LINE),
        col(RawDeliveries.SPLIT_BYTE), col(Check.REASON),
        col(Check.DETAIL), functions.struct(mapped.toArray(Column[]::new)).as("r"));
    Dataset<Row> typed = SourceIngestion.typed(withR, fields);

    List<Check> checks = new ArrayList<>();
    for (Field field : fields) {
      if (field.type().sameType(StagedTables.MONEY)) {
        checks.add(new Check("negative_amount", field.name(), col(field.name()).lt(0)));
      }
    }
    boolean accountChecked = !table.target().equals(StagedTables.CRM_ACCOUNTS)
        && Arrays.asList(table.target().schema().fieldNames()).contains("account_id");
    StageResult result = new TableIngestion(source, table.target(), checks, accountChecked, rows -> rows)
        .ingest(spark, run, window, typed);
    return new StageResult(result.rowsIn(), result.rowsOut(), result.rowsQuarantined(), List.of(file), result.message());
  }

  /** The file's first line, its CSV header, checked as a delivered file's start ({@link DeliveryFiles}). */
  static String headerLine(SparkSession spark, String sourceName, String file) {
    Path path = new Path(file);
    try {
      if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
        throw new UserError("mapping file " + file + " does not exist: check --source-dir");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String line = DeliveryFiles.firstLine(spark, sourceName, file);
    if (line.isBlank()) {
      throw new UserError(file + " is empty: expected a CSV header line");
    }
    return line;
  }

  /** The header's column names, none of them one of ingestion's own columns. */
  static List<String> columns(String file, String headerLine) {
    List<String> columns = Arrays.stream(headerLine.split(",")).map(String::trim).toList();
    for (String reserved : List.of("record", "ingest_date", "source_file", RawDeliveries.LINE, RawDeliveries.SPLIT_BYTE,
        Check.REASON, Check.DETAIL, "r")) {
      if (columns.contains(reserved)) {
        throw new UserError(file + ": column '" + reserved + "' clashes with ingestion's own columns; rename it in the file");
      }
    }
    return columns;
  }
}
