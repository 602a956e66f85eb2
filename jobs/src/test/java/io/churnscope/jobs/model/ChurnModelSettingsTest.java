package io.churnscope.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backtest's cut-offs: at most {@code backtest.cutoffs}, at least {@code gates.backtest-cutoffs}. */
class ChurnModelSettingsTest {
  @Test
  void theFewestCutOffsTheGateAsksForCannotExceedTheMost() {
    ChurnModelSettings defaults = ChurnModelSettings.from(ChurnscopeConfig.defaults());
    assertEquals(3, defaults.cutoffs());
    assertEquals(3, defaults.gates().cutoffs());
    assertEquals(4, defaults.parallelism());
    ChurnModelSettings more = ChurnModelSettings.from(ChurnscopeConfig.load(null, Map.of("churn-model.backtest.cutoffs", "12")));
    assertEquals(12, more.cutoffs());
    assertEquals(3, more.gates().cutoffs());
    String error = assertThrows(UserError.class, () -> ChurnModelSettings.from(ChurnscopeConfig.load(null,
        Map.of("churn-model.gates.backtest-cutoffs", "4")))).getMessage();
    assertEquals("churn-model.gates.backtest-cutoffs (4) is above churn-model.backtest.cutoffs (3): the model could "
        + "never be on", error);
  }
}
