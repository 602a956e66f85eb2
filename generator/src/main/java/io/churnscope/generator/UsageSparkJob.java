package io.churnscope.generator;

import io.churnscope.common.spark.JobDescription;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.lake.Lake;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Generates the usage sources in Spark: one task per (day, shard of users), each day a pure function
 * of the seed, the day and the broadcast {@link UsageModel}.
 *
 * <p>Clickstream and server logs are written in one pass as gzipped JSON lines into a staging folder
 * partitioned by source and delivery date, then each source folder is moved to {@code raw/}. Each
 * task also writes its counts (lines, bad lines by kind, late events) as a small {@code _tally}
 * partition that the driver reads back, so the ground truth counts exactly what was written.
 */
final class UsageSparkJob {
  private static final String TALLY = "_tally";
  private static final StructType LINES = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("dt", DataTypes.StringType, false)
      .add("value", DataTypes.StringType, false);
  private static final StructType EXTRACT_ROWS = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("dt", DataTypes.StringType, false)
      .add("bad", DataTypes.StringType, true)
      .add("c0", DataTypes.StringType, true)
      .add("c1", DataTypes.StringType, true)
      .add("c2", DataTypes.StringType, true)
      .add("c3", DataTypes.StringType, true);

  private UsageSparkJob() {}

  /** Users per shard: a day's shard stays around 100k events, so a task's lines fit in memory. */
  static int shards(GeneratorParams params) {
    return Math.max(1, (int) Math.ceil(params.scale() / 1.5));
  }

  /** Writes clickstream and server logs; adds their line totals to {@code rawRecords} and their bad and late counts to {@code counts}. */
  static void writeEvents(SparkSession spark, Lake lake, GeneratorParams params, UsageModel model,
      BadRecordTally counts, Map<String, Long> rawRecords) throws IOException {
    Broadcast<UsageModel> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    int shards = shards(params);
    int tasks = params.usageDays() * shards;
    long firstDay = params.usageStart().toEpochDay();
    MapPartitionsFunction<Long, Row> generate = ids -> {
      TreeMap<String, List<String>> buckets = new TreeMap<>();
      BadRecordTally tally = new BadRecordTally();
      TreeMap<String, Long> lines = new TreeMap<>();
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        long id = ids.next();
        int day = (int) (firstDay + id / shards);
        UsageDayGenerator generator = new UsageDayGenerator(params, shared.value(), day, (source, delivery, text) -> {
          buckets.computeIfAbsent(source.sourceName() + "\u0000" + LocalDate.ofEpochDay(delivery), k -> new ArrayList<>())
              .add(text);
          lines.merge(source.sourceName(), 1L, Long::sum);
        }, tally);
        generator.generate((int) (id % shards), shards);
        String dt = LocalDate.ofEpochDay(day).toString();
        for (Map.Entry<String, Long> e : lines.entrySet()) {
          out.add(RowFactory.create(TALLY, dt, "lines|" + e.getKey() + "|" + e.getValue()));
        }
        for (Map.Entry<String, TreeMap<String, Long>> source : tally.bad().entrySet()) {
          for (Map.Entry<String, Long> e : source.getValue().entrySet()) {
            out.add(RowFactory.create(TALLY, dt, "bad|" + source.getKey() + "|" + e.getKey() + "|" + e.getValue()));
          }
        }
        for (Map.Entry<String, Long> e : tally.late().entrySet()) {
          out.add(RowFactory.create(TALLY, dt, "late|" + e.getKey() + "|" + e.getValue()));
        }
        tally.bad().clear();
        tally.late().clear();
        lines.clear();
      }
      return new LineIterator(buckets, out);
    };
    String staging = lake.generatorDir() + "/_staging_usage";
    Dataset<Row> rows = spark.range(0, tasks, 1, tasks).mapPartitions(generate, Encoders.row(LINES));
    // The fastest gzip level: the files need to be gzip (as a real export is), not small. The lines
    // do not depend on the level.
    try (JobDescription label = JobDescription.set(spark, "generate: clickstream and server logs, " + tasks + " tasks")) {
      rows.write().mode(SaveMode.Overwrite).partitionBy("source", "dt").option("compression", "gzip")
          .option("zlib.compress.level", "BEST_SPEED").text(staging);
    }

    for (Row row : spark.read().text(staging + "/source=" + TALLY).select("value").collectAsList()) {
      String[] parts = row.getString(0).split("\\|");
      switch (parts[0]) {
        case "lines" -> rawRecords.merge(parts[1], Long.parseLong(parts[2]), Long::sum);
        case "bad" -> counts.addBad(parts[1], parts[2], Long.parseLong(parts[3]));
        case "late" -> counts.addLate(parts[1], Long.parseLong(parts[2]));
        default -> throw new IllegalStateException("unexpected tally line " + row.getString(0));
      }
    }
    FileSystem fs = new Path(staging).getFileSystem(spark.sparkContext().hadoopConfiguration());
    for (RawFeed source : List.of(RawFeed.CLICKSTREAM, RawFeed.SERVER_LOGS)) {
      Path target = new Path(lake.raw(source.folder()));
      fs.delete(target, true);
      fs.mkdirs(target.getParent());
      Path from = new Path(staging, "source=" + source.sourceName());
      if (!fs.exists(from)) {
        fs.mkdirs(from);
      }
      if (!fs.rename(from, target)) {
        throw new IOException("could not move " + from + " to " + target);
      }
      counts.declareSource(source.sourceName());
      rawRecords.putIfAbsent(source.sourceName(), 0L);
    }
    fs.delete(new Path(staging), true);
    shared.destroy();
  }

  /** Writes record_counts and config_snapshots; adds their bad-row counts and row totals. */
  static void writeExtracts(SparkSession spark, Lake lake, GeneratorParams params, UsageModel model,
      BadRecordTally counts, Map<String, Long> rawRecords) {
    Broadcast<UsageModel> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
    int shards = shards(params);
    int tasks = params.usageDays() * shards;
    long firstDay = params.usageStart().toEpochDay();
    MapPartitionsFunction<Long, Row> generate = ids -> {
      List<Row> out = new ArrayList<>();
      while (ids.hasNext()) {
        long id = ids.next();
        int day = (int) (firstDay + id / shards);
        DbExtractDay.generate(params, shared.value(), day, (int) (id % shards), shards,
            (source, delivery, values, bad) -> out.add(RowFactory.create(source.sourceName(),
                LocalDate.ofEpochDay(delivery).toString(), bad, blankToNull(values[0]), blankToNull(values[1]),
                blankToNull(values[2]), blankToNull(values[3]))));
      }
      return out.iterator();
    };
    Dataset<Row> rows = spark.range(0, tasks, 1, tasks).mapPartitions(generate, Encoders.row(EXTRACT_ROWS))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Row> tallies;
    try (JobDescription label = JobDescription.set(spark, "generate: database extracts")) {
      tallies = rows.groupBy("source", "bad").count().collectAsList();
    }
    for (Row row : tallies) {
      String source = row.getString(0);
      rawRecords.merge(source, row.getLong(2), Long::sum);
      if (!row.isNullAt(1)) {
        counts.addBad(source, row.getString(1), row.getLong(2));
      }
    }
    for (RawFeed source : List.of(RawFeed.RECORD_COUNTS, RawFeed.CONFIG_SNAPSHOTS)) {
      counts.declareSource(source.sourceName());
      rawRecords.putIfAbsent(source.sourceName(), 0L);
      List<String> columns = source.header();
      Dataset<Row> table = rows.filter(rows.col("source").equalTo(source.sourceName()))
          .select(rows.col("dt"), rows.col("c0").as(columns.get(0)), rows.col("c1").as(columns.get(1)),
              rows.col("c2").as(columns.get(2)), rows.col("c3").as(columns.get(3)));
      try (JobDescription label = JobDescription.set(spark, "generate: write raw/" + source.folder())) {
        CsvDeliveryWriter.csvOptions(table.write().mode(SaveMode.Overwrite).partitionBy("dt"))
            .csv(lake.raw(source.folder()));
      }
    }
    rows.unpersist();
    shared.destroy();
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** Emits a task's lines bucket by bucket (sorted by source and delivery date), then its tally rows. */
  private static final class LineIterator implements Iterator<Row> {
    private final Iterator<Map.Entry<String, List<String>>> buckets;
    private final Iterator<Row> tail;
    private String source;
    private String dt;
    private Iterator<String> current = java.util.Collections.emptyIterator();

    LineIterator(TreeMap<String, List<String>> buckets, List<Row> tail) {
      this.buckets = buckets.entrySet().iterator();
      this.tail = tail.iterator();
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && buckets.hasNext()) {
        Map.Entry<String, List<String>> next = buckets.next();
        String[] key = next.getKey().split("\u0000");
        source = key[0];
        dt = key[1];
        current = next.getValue().iterator();
      }
      return current.hasNext() || tail.hasNext();
    }

    @Override
    public Row next() {
      if (hasNext() && current.hasNext()) {
        return RowFactory.create(source, dt, current.next());
      }
      return tail.next();
    }
  }
}
