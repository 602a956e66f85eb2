package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The rows of {@code churn_hotspot_members}: each reported hot-spot's ids, in one pass over the population. */
public final class HotspotMembers {
  private HotspotMembers() {}

  public static Dataset<Row> of(HotspotEngine.Search search, String idColumn, LocalDate runDate) {
    return of(search, idColumn, runDate, null);
  }

  /**
   * @param analysis the nightly stage's analysis, or null; an id that is several rows of a segment (an
   *     account renewing in several months) is listed once
   */
  public static Dataset<Row> of(HotspotEngine.Search search, String idColumn, LocalDate runDate, String analysis) {
    Column[] keys = search.hotspots().stream()
        .map(h -> when(h.segment().filter(), lit(h.segment().key()))).toArray(Column[]::new);
    Column segments = keys.length == 0 ? array().cast("array<string>") : array_compact(array(keys));
    return search.population().rows()
        .select(lit(Date.valueOf(runDate)).as("run_date"), lit(analysis).cast("string").as("analysis"),
            explode(segments).as("segment_key"), Population.column(idColumn).cast("string").as("member_id"))
        .distinct();
  }
}
