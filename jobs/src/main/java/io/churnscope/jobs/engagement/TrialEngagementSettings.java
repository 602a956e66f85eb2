package io.churnscope.jobs.engagement;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.util.List;

/**
 * The {@code engagement.trial.*} keys of {@link TrialEngagement}.
 *
 * @param windowDays the first days of a trial judged
 * @param engagedMinActiveDays active days in the window that make a trial engaged (at most windowDays)
 * @param keyEvents events that show a trial reached value
 */
public record TrialEngagementSettings(int windowDays, int engagedMinActiveDays, List<String> keyEvents) {
  public static final ConfigKey<Integer> WINDOW_DAYS = ConfigKey.positiveInt("engagement.trial.window-days");
  public static final ConfigKey<Integer> ENGAGED_MIN_ACTIVE_DAYS =
      ConfigKey.positiveInt("engagement.trial.engaged-min-active-days");
  public static final ConfigKey<List<String>> KEY_EVENTS = ConfigKey.strings("engagement.trial.key-events");

  public static TrialEngagementSettings from(ChurnscopeConfig config) {
    int window = WINDOW_DAYS.from(config);
    int engaged = ENGAGED_MIN_ACTIVE_DAYS.from(config);
    if (engaged > window) {
      throw new UserError(ENGAGED_MIN_ACTIVE_DAYS.path() + " (" + engaged + ") cannot exceed "
          + WINDOW_DAYS.path() + " (" + window + ")");
    }
    return new TrialEngagementSettings(window, engaged, List.copyOf(KEY_EVENTS.from(config)));
  }
}
