package io.churnscope.jobs.engagement;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.ConfigKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code engagement.cs-signals.*} keys of {@code conf/defaults.conf}, read and checked once
 * (the {@code cs-signals} stage's {@code validate}). Definitions: {@code docs/engagement.md}.
 *
 * @param windowDays trailing days of {@code marts.user_day} for login-only users and evangelists, and
 *     of {@code staged.usage_events} partitions read for funnels and loops
 * @param seatLookbackDays trailing days of {@code marts.user_day} that count a seat as used and a
 *     provisioned user as active
 * @param provisionedGraceDays days a newly provisioned user has before they count as never active
 */
public record CsSignalSettings(
    int windowDays,
    int seatLookbackDays,
    int provisionedGraceDays,
    List<String> loginEvents,
    List<String> helpEvents,
    List<String> taskEvents,
    int loopMaxMinutes,
    List<TaskFinish> taskFinishes,
    List<Funnel> funnels,
    double heavyAdopterTopShare,
    int heavyAdopterMinActiveDays,
    List<String> differentiatedFeatures,
    int differentiatedMinDays) {

  static final String PREFIX = "engagement.cs-signals";

  /** A task event and the event that finishes it: a loop on the task that was finished after all is no struggle. */
  public record TaskFinish(String task, String finish) {}

  /** A funnel (wizard): its steps in order, by event name, and the days a user has to finish it. */
  public record Funnel(String name, List<String> steps, int completeWithinDays) {}

  public static final ConfigKey<Integer> WINDOW_DAYS = ConfigKey.positiveInt(PREFIX + ".window-days");
  public static final ConfigKey<Integer> SEAT_LOOKBACK_DAYS = ConfigKey.positiveInt(PREFIX + ".seat-lookback-days");
  public static final ConfigKey<Integer> PROVISIONED_GRACE_DAYS = ConfigKey.of(PREFIX + ".provisioned-grace-days",
      "a whole number, 0 or more and below seat-lookback-days", CsSignalSettings::provisionedGraceDays);
  public static final ConfigKey<List<String>> LOGIN_EVENTS = ConfigKey.strings(PREFIX + ".login-events");
  public static final ConfigKey<List<String>> HELP_EVENTS = ConfigKey.of(PREFIX + ".help-loop.help-events",
      "a list of event names, at least one", c -> nonEmpty(c, PREFIX + ".help-loop.help-events"));
  public static final ConfigKey<List<String>> TASK_EVENTS = ConfigKey.of(PREFIX + ".help-loop.task-events",
      "a list of event names, at least one", c -> nonEmpty(c, PREFIX + ".help-loop.task-events"));
  public static final ConfigKey<Integer> LOOP_MAX_MINUTES = ConfigKey.positiveInt(PREFIX + ".help-loop.max-minutes");
  public static final ConfigKey<List<TaskFinish>> FINISHED_BY = ConfigKey.of(PREFIX + ".help-loop.finished-by",
      "a list of { task, finish }, each task one of help-loop.task-events", CsSignalSettings::taskFinishes);
  public static final ConfigKey<List<Funnel>> FUNNELS = ConfigKey.of(PREFIX + ".funnels",
      "a list of { name, steps = [...], complete-within-days }: two steps or more, 1 <= complete-within-days < window-days",
      c -> funnels(c, WINDOW_DAYS.from(c)));
  public static final ConfigKey<Double> HEAVY_ADOPTER_TOP_SHARE =
      ConfigKey.numberBetween(PREFIX + ".heavy-adopters.top-share", 0, 1);
  public static final ConfigKey<Integer> HEAVY_ADOPTER_MIN_ACTIVE_DAYS =
      ConfigKey.positiveInt(PREFIX + ".heavy-adopters.min-active-days");
  public static final ConfigKey<List<String>> DIFFERENTIATED_FEATURES = ConfigKey.strings(PREFIX + ".differentiated.features");
  public static final ConfigKey<Integer> DIFFERENTIATED_MIN_DAYS = ConfigKey.positiveInt(PREFIX + ".differentiated.min-days");

  public static CsSignalSettings from(ChurnscopeConfig config) {
    return new CsSignalSettings(WINDOW_DAYS.from(config), SEAT_LOOKBACK_DAYS.from(config),
        PROVISIONED_GRACE_DAYS.from(config), LOGIN_EVENTS.from(config), HELP_EVENTS.from(config),
        TASK_EVENTS.from(config), LOOP_MAX_MINUTES.from(config), FINISHED_BY.from(config), FUNNELS.from(config),
        HEAVY_ADOPTER_TOP_SHARE.from(config), HEAVY_ADOPTER_MIN_ACTIVE_DAYS.from(config),
        DIFFERENTIATED_FEATURES.from(config), DIFFERENTIATED_MIN_DAYS.from(config));
  }

  private static int provisionedGraceDays(ChurnscopeConfig config) {
    int lookback = SEAT_LOOKBACK_DAYS.from(config);
    int grace = config.integer(PREFIX + ".provisioned-grace-days");
    if (grace < 0 || grace >= lookback) {
      throw new UserError(PREFIX + ".provisioned-grace-days = " + grace + ": must be 0 or more and below seat-lookback-days ("
          + lookback + ")");
    }
    return grace;
  }

  /** Every event name the sequence signals look at: the only rows they read from the window's events. */
  public List<String> sequenceEvents() {
    List<String> names = new ArrayList<>(helpEvents);
    names.addAll(taskEvents);
    taskFinishes.forEach(f -> names.add(f.finish()));
    funnels.forEach(f -> names.addAll(f.steps()));
    return names.stream().distinct().toList();
  }

  private static List<Funnel> funnels(ChurnscopeConfig config, int window) {
    String key = PREFIX + ".funnels";
    List<Funnel> funnels = new ArrayList<>();
    try {
      for (Config f : config.raw().getConfigList(key)) {
        Funnel funnel = new Funnel(f.getString("name"), f.getStringList("steps"), f.getInt("complete-within-days"));
        if (funnel.steps().size() < 2 || funnel.completeWithinDays() < 1 || funnel.completeWithinDays() >= window) {
          throw new UserError(key + " '" + funnel.name() + "' (" + config.origin(key) + "): needs at least two steps and "
              + "1 <= complete-within-days < window-days (" + window + ")");
        }
        funnels.add(funnel);
      }
    } catch (ConfigException e) {
      throw new UserError(key + " (" + config.origin(key) + ") must be a list of { name, steps = [...], "
          + "complete-within-days }: " + e.getMessage());
    }
    return List.copyOf(funnels);
  }

  private static List<TaskFinish> taskFinishes(ChurnscopeConfig config) {
    String key = PREFIX + ".help-loop.finished-by";
    List<String> tasks = config.strings(PREFIX + ".help-loop.task-events");
    List<TaskFinish> finishes = new ArrayList<>();
    try {
      for (Config f : config.raw().getConfigList(key)) {
        TaskFinish finish = new TaskFinish(f.getString("task"), f.getString("finish"));
        if (!tasks.contains(finish.task())) {
          throw new UserError(key + " (" + config.origin(key) + "): task '" + finish.task() + "' is not one of help-loop.task-events "
              + tasks);
        }
        finishes.add(finish);
      }
    } catch (ConfigException e) {
      throw new UserError(key + " (" + config.origin(key) + ") must be a list of { task, finish }: " + e.getMessage());
    }
    return List.copyOf(finishes);
  }

  private static List<String> nonEmpty(ChurnscopeConfig config, String key) {
    List<String> values = config.strings(key);
    if (values.isEmpty()) {
      throw new UserError(key + " (" + config.origin(key) + ") must name at least one event");
    }
    return values;
  }
}
