package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.churnscope.common.schema.MartTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The account × month rollup of the ledger: each money column summed over the account's products.
 * A sum of rows that each satisfy the identity satisfies it too; the movements keep the product
 * grain's meaning (an account that upgrades one product and drops another shows both).
 */
public final class AccountLedger {
  private AccountLedger() {}

  public static Dataset<Row> apply(Dataset<Row> productLedger) {
    List<Column> sums = new ArrayList<>();
    for (var field : MartTables.MRR_MOVEMENTS) {
      sums.add(sum(field.name()).cast(MONEY).as(field.name()));
    }
    return productLedger.groupBy(col("month"), col("as_of_date"), col("account_id"))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
  }
}
