package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * A daily FX table that moves: each non-USD currency follows a random walk (0.4 % daily volatility)
 * from a realistic starting rate, so MRR in USD moves even when nothing is sold or lost.
 */
final class FxRates {
  static final String[] CURRENCIES = {"USD", "EUR", "GBP", "CAD", "AUD"};
  private static final double[] START = {1.0, 1.08, 1.27, 0.74, 0.66};
  private static final double DAILY_VOLATILITY = 0.004;

  private FxRates() {}

  static CsvRows build(GeneratorParams params) {
    CsvRows rows = new CsvRows(RawFeed.FX_RATES);
    double[] rate = START.clone();
    for (LocalDate day = params.historyStart(); !day.isAfter(params.endDate()); day = day.plusDays(1)) {
      for (int c = 0; c < CURRENCIES.length; c++) {
        if (c > 0) {
          SplittableRandom r = Seeds.random(params.seed(), Seeds.FX, c, day.toEpochDay());
          rate[c] *= Math.exp(DAILY_VOLATILITY * Draws.gaussian(r));
        }
        rows.add(day, day, CURRENCIES[c], java.math.BigDecimal.valueOf(Math.round(rate[c] * 1e6), 6).toPlainString());
      }
    }
    return rows;
  }
}
