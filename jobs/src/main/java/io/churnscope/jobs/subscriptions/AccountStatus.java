package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where each account stands on the run date: one row per account known to the CRM (created by
 * then) or to billing (a subscription version effective by then).
 *
 * <ul>
 *   <li>{@code lifecycle_status}: {@code customer} when the account has MRR at the run date (the
 *       run month's {@code marts.mrr_ledger_account.end_mrr} &gt; 0); else {@code early_churned} or
 *       {@code churned} by the {@code churn_stage} of its latest churn event; else {@code prospect}
 *       (never a customer: an open or lapsed trial, a free plan, or a CRM account without a paid
 *       subscription). {@code trial_status} tells trials apart: {@code open}, {@code converted}
 *       (the account paid after a trial), {@code lapsed} (the trial ended and it never paid) or
 *       {@code none}.</li>
 *   <li>{@code customer_since}: for a customer, the first paid day after its latest churn (as
 *       churn events define it); for a churned account, that of the spell that ended.
 *       {@code tenure_days}: to the snapshot date for a customer, to the churn date otherwise.</li>
 *   <li>{@code mrr}, {@code arr} = 12 × mrr, base currency; {@code arr_tier} by {@link ArrTiers}.</li>
 *   <li>From the paying subscriptions in force ({@link VersionsInForce}): {@code products},
 *       {@code plans} ({@code product:plan}), {@code seats} ({@link LicensedSeats}: the quantity
 *       of the paying seat products, core by default, summed; add-ons add none), {@code next_renewal_date}
 *       (earliest {@link NextRenewal} of a paying subscription without a scheduled end) and
 *       {@code scheduled_end_date} (latest {@code ended_at} after the run date, when every paying
 *       subscription is set to end). {@code past_due}: a subscription in force is past_due.</li>
 * </ul>
 */
public final class AccountStatus {
  private AccountStatus() {}

  public static Dataset<Row> apply(Dataset<Row> crmAccounts, Dataset<Row> versions, Dataset<Row> accountLedger,
      Dataset<Row> churnEvents, LocalDate runDate, ArrTiers tiers, List<String> seatProducts) {
    Column day = lit(Date.valueOf(runDate));
    return at(crmAccounts.withColumn("as_of_date", day), versions.withColumn("as_of_date", day),
        accountLedger.where(col("month").equalTo(lit(Date.valueOf(runDate.withDayOfMonth(1))))), churnEvents,
        tiers, seatProducts);
  }

  /**
   * The status of many dates in one plan: every CRM row and subscription version carries the
   * {@code as_of_date} it counts for (one copy per date that knows it). {@link #apply} is the one-date
   * case. The output's {@code snapshot_date} is each row's {@code as_of_date}. Every part is joined on
   * account and date, but the versions in force are looked up among all of an account id's versions,
   * whatever their {@code as_of_date}: an account id may carry several dates only when each date's copy
   * of its versions is the same (the back-fill's copies differ, hence its date-keyed ids).
   */
  public static Dataset<Row> at(Dataset<Row> crmAccounts, Dataset<Row> versions, Dataset<Row> accountLedger,
      Dataset<Row> churnEvents, ArrTiers tiers, List<String> seatProducts) {
    Column day = col("as_of_date");
    Dataset<Row> known = versions.where(col("effective_date").leq(day));

    Dataset<Row> accounts = crmAccounts.where(col("created_date").leq(day)).select("account_id", "as_of_date")
        .union(known.select("account_id", "as_of_date")).distinct();
    Dataset<Row> undated = versions.drop("as_of_date");

    Dataset<Row> inForce = VersionsInForce.at(undated, accounts);
    Column paying = col("paying");
    Column live = col("ended_at").isNull().or(col("ended_at").gt(day));
    Dataset<Row> current = inForce.groupBy(col("account_id").as("c_account_id"), col("as_of_date").as("c_as_of_date"))
        .agg(array_sort(collect_set(when(paying, col("product")))).as("products"),
            array_sort(collect_set(when(paying, concat_ws(":", col("product"), col("plan"))))).as("plans"),
            min(when(paying.and(col("ended_at").isNull()), NextRenewal.after(day))).as("next_renewal_date"),
            count_if(paying.and(col("ended_at").isNull())).as("renewing_subscriptions"),
            max(when(paying, col("ended_at"))).as("latest_end"),
            coalesce(max(col("status").equalTo("past_due").and(live)), lit(false)).as("past_due"),
            coalesce(max(col("status").equalTo("trialing").and(live)
                .and(col("trial_end").isNull().or(col("trial_end").gt(day)))), lit(false)).as("trial_open"));

    Dataset<Row> history = known.groupBy(col("account_id").as("h_account_id"), col("as_of_date").as("h_as_of_date"))
        .agg(min(when(VersionsInForce.payingVersion(), col("effective_date"))).as("first_paid_date"),
            max(col("trial_start").isNotNull()).as("had_trial"));

    Dataset<Row> seats = LicensedSeats.at(undated, accounts, seatProducts)
        .select(col("account_id").as("q_account_id"), col("as_of_date").as("q_as_of_date"),
            col("licensed_seats").cast("int").as("seats"));

    // The latest churn and the first paid day after it: one definition with the dated account attributes.
    Dataset<Row> spell = CustomerSpells.at(undated, churnEvents, accounts)
        .select(col("account_id").as("s_account_id"), col("as_of_date").as("s_as_of_date"), col("last"), col("spell_start"));

    Dataset<Row> mrr = accountLedger.select(col("account_id").as("l_account_id"), col("month"), col("end_mrr"));

    Dataset<Row> withSpell = accounts
        .join(current, sameAccountAndDate("c"), "left")
        .join(history, sameAccountAndDate("h"), "left")
        .join(spell, sameAccountAndDate("s"), "left")
        .join(mrr, col("l_account_id").equalTo(col("account_id")).and(col("month").equalTo(trunc(day, "month"))), "left")
        .join(seats, sameAccountAndDate("q"), "left")
        .withColumn("mrr", coalesce(col("end_mrr"), lit(0)).cast(MONEY));

    Column customer = col("mrr").gt(0);
    Column status = when(customer, "customer")
        .when(col("last.churn_date").isNotNull(),
            when(col("last.churn_stage").equalTo("early"), "early_churned").otherwise("churned"))
        .otherwise("prospect");
    Column since = when(customer, col("spell_start")).otherwise(col("last.customer_since"));
    Column trial = when(col("trial_open"), "open")
        .when(coalesce(col("had_trial"), lit(false)).and(col("first_paid_date").isNotNull()), "converted")
        .when(coalesce(col("had_trial"), lit(false)), "lapsed")
        .otherwise("none");
    Column arr = col("mrr").multiply(12).cast(MONEY);
    Column allEnding = customer.and(coalesce(col("renewing_subscriptions"), lit(0)).equalTo(0));
    return withSpell.select(day.as("snapshot_date"), col("account_id"), status.as("lifecycle_status"),
        trial.as("trial_status"), since.as("customer_since"),
        when(customer, datediff(day, col("spell_start"))).otherwise(col("last.tenure_days")).as("tenure_days"),
        col("last.churn_date").as("last_churn_date"),
        col("mrr"), arr.as("arr"), when(customer, tiers.tierOf(arr)).as("arr_tier"),
        when(customer, col("next_renewal_date")).as("next_renewal_date"),
        when(allEnding, col("latest_end")).as("scheduled_end_date"),
        coalesce(col("past_due"), lit(false)).as("past_due"),
        when(customer, col("products")).as("products"), when(customer, col("plans")).as("plans"),
        when(customer, col("seats")).as("seats"));
  }

  /** The join of a part whose account and date columns carry the given prefix ({@code c_account_id}, ...). */
  private static Column sameAccountAndDate(String prefix) {
    return col(prefix + "_account_id").equalTo(col("account_id")).and(col(prefix + "_as_of_date").equalTo(col("as_of_date")));
  }
}
