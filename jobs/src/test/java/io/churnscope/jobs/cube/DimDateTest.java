package io.churnscope.jobs.cube;

import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Fiscal years named by the year they end in; ISO weeks across a year boundary. */
class DimDateTest extends SparkTestBase {
  @Test
  void aFiscalYearStartingInFebruaryIsNamedByTheYearItEndsIn() {
    DatasetAssertions.assertSameRows(List.of(
        // 2026-01-01 is a Thursday: ISO week 1 of 2026.
        RowFactory.create(20260101, 4, 2026, 1, 2026, 4),
        RowFactory.create(20260131, 6, 2026, 5, 2026, 4),
        RowFactory.create(20260201, 7, 2026, 5, 2027, 1),
        RowFactory.create(20261101, 7, 2026, 44, 2027, 4),
        // 2027-01-01 is a Friday: still ISO week 53 of 2026.
        RowFactory.create(20270101, 5, 2026, 53, 2027, 4)),
        DimDate.between(spark(), LocalDate.parse("2026-01-01"), LocalDate.parse("2027-01-01"), 2)
            .where("date IN (DATE'2026-01-01', DATE'2026-01-31', DATE'2026-02-01', DATE'2026-11-01', DATE'2027-01-01')")
            .select("date_key", "day_of_week", "iso_year", "iso_week", "fiscal_year", "fiscal_quarter").collectAsList());
  }
}
