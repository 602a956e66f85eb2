package io.churnscope.tools.bench;

import com.beust.jcommander.Parameter;
import io.churnscope.common.UserError;
import java.time.LocalDate;

/**
 * The flags of a bench that generates a lake and runs nightlies on it: the history before the
 * measured nights, the last night, and whether to keep the lakes.
 */
public abstract class LakeBenchArgs extends BenchArgs {
  @Parameter(names = "--history-days", description = "Days of usage history before the measured nights (at least 14).")
  public int historyDays = 14;

  @Parameter(names = "--history-months", description = "Months of billing and CRM history.")
  public int historyMonths = 6;

  @Parameter(names = "--end-date", converter = DateConverter.class, description = "The last measured night (YYYY-MM-DD).")
  public LocalDate endDate = LocalDate.parse("2026-10-31");

  @Parameter(names = "--keep-lakes", description = "Keep the generated lakes (to open them with bin/churnscope sql).")
  public boolean keepLakes;

  @Override
  public void validate() {
    config();
    if (historyDays < 14) {
      throw new UserError("--history-days: at least 14 (the generator's minimum of usage history)");
    }
    if (historyMonths < 1) {
      throw new UserError("--history-months: at least 1");
    }
  }
}
