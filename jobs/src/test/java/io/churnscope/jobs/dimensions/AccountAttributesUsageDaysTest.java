package io.churnscope.jobs.dimensions;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.engagement.EngagementSettings;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@link AccountAttributes#usageDaysRead}: the usage days {@code asOf} reads are those of the keys'
 * windows — from the earliest key's 56-day look-back (longer than the default 28-day MAU window) to
 * the latest key — and nothing for no keys.
 */
class AccountAttributesUsageDaysTest extends SparkTestBase {
  private static final StructType KEYS = new StructType().add("account_id", DataTypes.StringType).add("as_of_date", DataTypes.DateType);
  private static final StructType DAYS = new StructType().add("activity_date", DataTypes.DateType);

  @Test
  void theDaysReadRunFromTheEarliestKeysLongestWindowToTheLatestKey() {
    Dataset<Row> keys = rows(KEYS, new Object[] {"a", Date.valueOf("2026-04-15")}, new Object[] {"b", Date.valueOf("2026-03-31")});
    // 2026-03-31 minus 55 days = 2026-02-04: the first day of its look-back.
    DatasetAssertions.assertSameRows(List.of(day("2026-02-04"), day("2026-03-31"), day("2026-04-15")),
        days("2026-02-03", "2026-02-04", "2026-03-31", "2026-04-15", "2026-04-16")
            .where(AccountAttributes.usageDaysRead(keys, usage())).collectAsList());
  }

  @Test
  void noKeysReadNoDays() {
    DatasetAssertions.assertSameRows(List.of(),
        days("2026-02-04").where(AccountAttributes.usageDaysRead(rows(KEYS), usage())).collectAsList());
  }

  private static EngagementSettings usage() {
    return EngagementSettings.from(ChurnscopeConfig.defaults());
  }

  private static Dataset<Row> days(String... days) {
    return spark().createDataFrame(java.util.Arrays.stream(days).map(AccountAttributesUsageDaysTest::day).toList(), DAYS);
  }

  private static Row day(String day) {
    return RowFactory.create(Date.valueOf(day));
  }
}
