package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.weekofyear;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code cube.dim_date}: one row per day with its week, month, quarter and fiscal period. The key is
 * {@code yyyymmdd}, a natural key: stable across runs and readable in a query.
 *
 * <p>Fiscal years start in {@code cube.fiscal-year-start-month} and are named by the calendar year
 * they end in (start month 2: February 2026 to January 2027 is fiscal 2027); with 1 they are the
 * calendar years.
 */
public final class DimDate {
  private DimDate() {}

  public static Dataset<Row> between(SparkSession spark, LocalDate first, LocalDate last, int fiscalYearStartMonth) {
    if (fiscalYearStartMonth < 1 || fiscalYearStartMonth > 12) {
      throw new IllegalArgumentException("fiscal year start month must be 1-12, was " + fiscalYearStartMonth);
    }
    Column day = col("date");
    // Months since the fiscal year began: 0 in its first month, 11 in its last.
    Column fiscalMonthIndex = pmod(month(day).minus(fiscalYearStartMonth), lit(12));
    Column fiscalYear = fiscalYearStartMonth == 1 ? year(day)
        : when(month(day).geq(fiscalYearStartMonth), year(day).plus(1)).otherwise(year(day));
    Column isoDayOfWeek = pmod(expr("dayofweek(date)").minus(2), lit(7)).plus(1);
    Column weekStart = date_sub(day, isoDayOfWeek.minus(1));
    return spark.range(1)
        .select(explode(sequence(lit(Date.valueOf(first)), lit(Date.valueOf(last)), expr("INTERVAL 1 DAY"))).as("date"))
        .select(
            date_format(day, "yyyyMMdd").cast("int").as("date_key"),
            day,
            isoDayOfWeek.as("day_of_week"),
            date_format(day, "EEEE").as("day_name"),
            weekStart.as("week_start"),
            // The ISO year is the year of the week's Thursday.
            year(expr("date_add(date, 4 - (pmod(dayofweek(date) - 2, 7) + 1))")).as("iso_year"),
            weekofyear(day).as("iso_week"),
            trunc(day, "month").as("month"),
            month(day).as("month_of_year"),
            date_format(day, "MMMM").as("month_name"),
            quarter(day).as("quarter"),
            year(day).as("year"),
            fiscalYear.as("fiscal_year"),
            fiscalMonthIndex.divide(3).cast("int").plus(1).as("fiscal_quarter"),
            dayofmonth(day).equalTo(dayofmonth(last_day(day))).as("is_month_end"));
  }

  /** The date key of a date column: yyyymmdd as an int. */
  public static Column key(Column date) {
    return date_format(date, "yyyyMMdd").cast("int");
  }
}
