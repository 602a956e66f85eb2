package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One local calendar day of clickstream and server-log lines, for one shard of the users: a pure
 * function of (seed, day, {@link UsageModel}). Lines go to a {@link Sink} with their delivery date
 * (the UTC date they were received), which for late events is 1–3 days after their timestamp.
 *
 * <p>Sessions start in local business hours (a few in the late evening, so their UTC date differs
 * from the local date), are separated by idle gaps of more than 30 minutes, and sometimes end with a
 * tab left open that wakes up hours later. Bad lines are extra lines, each broken in exactly one way.
 */
final class UsageDayGenerator {
  /** Where generated lines go. */
  interface Sink {
    void line(RawFeed source, int deliveryDay, String text);
  }

  static final double LATE_SHARE = 0.01;
  static final double NO_GROUP_ID_SHARE = 0.08;
  private static final long HOUR = 3_600_000L;
  private static final long MINUTE = 60_000L;

  private final GeneratorParams params;
  private final UsageModel model;
  private final int day;
  private final int firstDelivery;
  private final int lastDelivery;
  private final Sink sink;
  private final BadRecordTally tally;
  private final JsonLine json = new JsonLine();
  private final boolean weekend;
  private final boolean monday;

  // State of the user being generated.
  private UsageModel.User user;
  private UsageModel.Account account;
  private int offset;
  private int seq;
  private boolean groupedToday;
  private SplittableRandom r;
  private SplittableRandom bad;

  UsageDayGenerator(GeneratorParams params, UsageModel model, int day, Sink sink, BadRecordTally tally) {
    this.params = params;
    this.model = model;
    this.day = day;
    this.firstDelivery = (int) params.usageStart().toEpochDay();
    this.lastDelivery = (int) params.endDate().toEpochDay();
    this.sink = sink;
    this.tally = tally;
    DayOfWeek dow = LocalDate.ofEpochDay(day).getDayOfWeek();
    this.weekend = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
    this.monday = dow == DayOfWeek.MONDAY;
  }

  /** Generates the users whose index is {@code shard} modulo {@code shards}. */
  void generate(int shard, int shards) {
    for (int i = shard; i < model.users.length; i += shards) {
      generateUser(model.users[i]);
    }
  }

  private void generateUser(UsageModel.User u) {
    UsageModel.Account a = model.accounts[u.accountOn(day)];
    double activity = a.activity(day);
    if (activity == 0) {
      return;
    }
    user = u;
    account = a;
    offset = a.offsetSeconds(day);
    seq = 0;
    groupedToday = false;
    r = Seeds.random(params.seed(), Seeds.USAGE, u.index, day);
    bad = Seeds.random(params.seed(), Seeds.BAD_USAGE, u.index, day);
    long localMidnight = day * 86_400_000L - offset * 1000L;

    if (monday) {
      passive(EventCatalog.DIGEST_SENT, localMidnight + 7 * HOUR + r.nextInt(30) * MINUTE);
    }
    if (r.nextDouble() < 0.15) {
      passive(EventCatalog.EMAIL_SENT, localMidnight + (6 + r.nextInt(14)) * HOUR + r.nextInt(3600) * 1000L);
    }
    if (!u.adopter) {
      return;
    }
    double p = Math.min(0.95, 0.38 * Math.pow(u.intensity, 0.55)) * activity * (weekend ? 0.35 : 1.0);
    if (r.nextDouble() >= p) {
      return;
    }
    // The intensity knob thins sessions and actions, never the decision above: active days are kept.
    int sessions = 1 + Draws.poisson(r, 0.5 * Math.sqrt(u.intensity) * activity * params.usageIntensity());
    long t = r.nextDouble() < 0.03
        ? localMidnight + 22 * HOUR + r.nextInt(90) * MINUTE
        : localMidnight + 8 * HOUR + (long) (r.nextDouble() * 3 * HOUR);
    for (int s = 0; s < sessions && t < localMidnight + 24 * HOUR; s++) {
      t = session(t, s == 0, localMidnight);
      t += 31 * MINUTE + (long) Draws.exponential(r, 90 * MINUTE);
    }
  }

  /** One session starting at {@code t}; returns the time of its last event. */
  private long session(long t, boolean firstOfDay, long localMidnight) {
    page("Dashboard", "/dashboard", t);
    if (firstOfDay) {
      t = next(t);
      track(EventCatalog.SIGNED_IN, "auth", t, false, null, 0);
      server("auth.login", "auth", t, 40 + r.nextInt(200));
      if (user.moveDay == day || r.nextDouble() < 0.35) {
        t = next(t);
        group(t);
      }
      if (r.nextDouble() < 0.04) {
        t = next(t);
        identify(t);
      }
      boolean newAccount = day - account.activeFrom < 14;
      if (r.nextDouble() < (newAccount ? 0.25 : 0.01)) {
        t = wizard(t);
      }
    }
    int actions = 1 + (int) Draws.exponential(r, 7.0 * Math.pow(user.intensity, 0.4) * params.usageIntensity());
    actions = Math.min(actions, 40);
    for (int i = 0; i < actions; i++) {
      int feature = Draws.weighted(r, user.featureWeights);
      if (feature == EventCatalog.AUTOMATION && !account.automation(day)) {
        feature = 0;
      }
      t = next(t);
      if (r.nextDouble() < 0.3) {
        page(EventCatalog.PAGES[feature][0], EventCatalog.PAGES[feature][1], t);
        t = next(t);
      }
      String name = EventCatalog.FEATURES[feature];
      if (feature == 1 && r.nextDouble() < 0.6) {
        t = taskFlow(t);
      } else {
        String[] events = EventCatalog.FEATURE_EVENTS[feature];
        track(events[r.nextInt(events.length)], name, t, true, null, 0);
      }
      server(EventCatalog.SERVER_ACTIONS[feature], name, t, feature == 6 ? 2000 + r.nextInt(30_000) : 20 + r.nextInt(400));
      if (feature == 3) {
        int calls = Draws.poisson(r, 2.0);
        for (int c = 0; c < calls; c++) {
          server("api.request", name, t + r.nextInt(600_000), 5 + r.nextInt(120));
        }
      }
      if (r.nextDouble() < 0.1) {
        passive(EventCatalog.NOTIFICATION_DELIVERED, t + 1000 + r.nextInt(60_000));
      }
    }
    if (r.nextDouble() < 0.05) {
      // The tab was left open: it wakes up hours later with no activity in between.
      long wake = t + 90 * MINUTE + (long) (r.nextDouble() * 150 * MINUTE);
      if (wake < localMidnight + 24 * HOUR) {
        page("Dashboard", "/dashboard", wake);
        t = wake;
      }
    }
    return t;
  }

  /** Task started, sometimes looping through help articles (started again, not completed), then maybe completed. */
  private long taskFlow(long t) {
    track(EventCatalog.TASK_STARTED, "tasks", t, true, null, 0);
    boolean looped = false;
    while (r.nextDouble() < 0.15) {
      looped = true;
      t = next(t);
      track(EventCatalog.HELP_ARTICLE_VIEWED, "help", t, true, null, 0);
      t = next(t);
      track(EventCatalog.TASK_STARTED, "tasks", t, true, null, 0);
    }
    if (r.nextDouble() < (looped ? 0.3 : 0.8)) {
      t = next(t);
      track(EventCatalog.TASK_COMPLETED, "tasks", t, true, null, 0);
    }
    return t;
  }

  /** The setup wizard funnel, abandoned at each step with some probability. */
  private long wizard(long t) {
    t = next(t);
    track(EventCatalog.WIZARD_STARTED, "admin", t, true, EventCatalog.WIZARD_FUNNEL, 0);
    for (int step = 1; step <= 3; step++) {
      if (r.nextDouble() >= EventCatalog.WIZARD_CONTINUE[step - 1]) {
        return t;
      }
      t = next(t);
      track(EventCatalog.WIZARD_STEP_COMPLETED, "admin", t, true, EventCatalog.WIZARD_FUNNEL, step);
    }
    if (r.nextDouble() < EventCatalog.WIZARD_CONTINUE[3]) {
      t = next(t);
      track(EventCatalog.WIZARD_COMPLETED, "admin", t, true, EventCatalog.WIZARD_FUNNEL, 0);
    }
    return t;
  }

  private long next(long t) {
    return t + 2000 + (long) Draws.exponential(r, 40_000);
  }

  // ---- clickstream messages -------------------------------------------------------------------

  private static final int NORMAL = 0;
  private static final int NO_TIMESTAMP = 1;
  private static final int NO_MESSAGE_ID = 2;
  private static final int BAD_TIMESTAMP = 3;
  private static final int UNKNOWN_ACCOUNT = 4;

  private static final String[] CLICK_KINDS = {BadRecordKind.MALFORMED_JSON, BadRecordKind.MISSING_FIELD,
      BadRecordKind.WRONG_TYPE, BadRecordKind.DUPLICATE, BadRecordKind.UNKNOWN_ACCOUNT};

  /** What differs between message types; the rest of the envelope is shared. */
  private interface Body {
    void write(JsonLine json, String groupId);
  }

  private void track(String event, String feature, long t, boolean mayOmitGroup, String funnel, int step) {
    boolean omitGroup = mayOmitGroup && groupedToday && r.nextDouble() < NO_GROUP_ID_SHARE;
    message("track", t, omitGroup, (j, g) -> {
      j.str("event", event).open("properties").str("feature", feature);
      if (funnel != null) {
        j.str("funnel", funnel);
        if (step > 0) {
          j.num("step", step);
        }
      }
      j.close();
    });
  }

  private void passive(String event, long t) {
    message("track", t, false, (j, g) -> j.str("event", event).open("properties").str("feature", "notifications").close());
  }

  private void page(String name, String path, long t) {
    message("page", t, false, (j, g) -> j.str("name", name).open("properties").str("path", path).close());
  }

  private void group(long t) {
    groupedToday = true;
    String accountName = "Account " + account.id.substring(4);
    message("group", t, false, (j, g) -> j.str("groupId", g).open("traits").str("name", accountName).close());
  }

  private void identify(long t) {
    UsageModel.User u = user;
    message("identify", t, false,
        (j, g) -> j.open("traits").str("email", u.email).str("name", u.name).str("title", u.title).close());
  }

  private void message(String type, long t, boolean omitGroup, Body body) {
    int n = ++seq;
    long received = t + 50 + r.nextInt(3000);
    boolean late = r.nextDouble() < LATE_SHARE;
    if (late) {
      long lateReceived = received + (1 + r.nextInt(3)) * 86_400_000L + r.nextInt(6) * HOUR;
      if (Math.floorDiv(lateReceived, 86_400_000L) <= lastDelivery) {
        received = lateReceived;
      } else {
        late = false;
      }
    }
    int delivery = (int) Math.floorDiv(received, 86_400_000L);
    if (delivery < firstDelivery || delivery > lastDelivery) {
      return;
    }
    String line = click(type, n, t, received, omitGroup, body, NORMAL);
    sink.line(RawFeed.CLICKSTREAM, delivery, line);
    if (late) {
      tally.addLate(RawFeed.CLICKSTREAM.sourceName(), 1);
    }
    if (bad.nextDouble() < params.badRecordRate()) {
      String kind = CLICK_KINDS[bad.nextInt(CLICK_KINDS.length)];
      String broken = switch (kind) {
        case BadRecordKind.MALFORMED_JSON -> truncate(click(type, n + 500_000, t, received, omitGroup, body, NORMAL));
        case BadRecordKind.MISSING_FIELD -> click(type, n + 500_000, t, received, omitGroup, body,
            bad.nextBoolean() ? NO_TIMESTAMP : NO_MESSAGE_ID);
        case BadRecordKind.WRONG_TYPE -> click(type, n + 500_000, t, received, omitGroup, body, BAD_TIMESTAMP);
        case BadRecordKind.UNKNOWN_ACCOUNT -> click(type, n + 500_000, t, received, false, body, UNKNOWN_ACCOUNT);
        default -> line;
      };
      sink.line(RawFeed.CLICKSTREAM, redelivery(kind, delivery), broken);
      tally.addBad(RawFeed.CLICKSTREAM.sourceName(), kind, 1);
    }
  }

  private String click(String type, int n, long t, long received, boolean omitGroup, Body body, int variant) {
    String groupId = variant == UNKNOWN_ACCOUNT ? BadRecordKind.unknownAccountId(bad) : account.id;
    JsonLine j = json.begin().str("type", type);
    if (variant != NO_MESSAGE_ID) {
      j.str("messageId", uuid(1, n));
    }
    j.str("userId", user.id).str("anonymousId", user.anonymousId);
    if (variant == BAD_TIMESTAMP) {
      j.str("timestamp", "yesterday");
    } else if (variant != NO_TIMESTAMP) {
      j.time("timestamp", t, offset);
    }
    j.time("sentAt", received - 20, offset).time("receivedAt", received, 0);
    j.open("context");
    if (!omitGroup) {
      j.str("groupId", groupId);
    }
    j.str("ip", user.ip).str("timezone", account.zone)
        .open("library").str("name", "analytics.js").str("version", "5.2.1").close()
        .close();
    body.write(j, groupId);
    return j.end();
  }

  // ---- server logs ----------------------------------------------------------------------------

  private static final String[] SERVER_KINDS = CLICK_KINDS;

  private void server(String action, String feature, long t, int durationMs) {
    int n = ++seq;
    int delivery = (int) Math.floorDiv(t, 86_400_000L);
    if (delivery < firstDelivery || delivery > lastDelivery) {
      return;
    }
    String level = r.nextDouble() < 0.03 ? (r.nextDouble() < 0.3 ? "ERROR" : "WARN") : "INFO";
    String line = serverLine(n, t, level, action, feature, durationMs, NORMAL);
    sink.line(RawFeed.SERVER_LOGS, delivery, line);
    if (bad.nextDouble() < params.badRecordRate()) {
      String kind = SERVER_KINDS[bad.nextInt(SERVER_KINDS.length)];
      String broken = switch (kind) {
        case BadRecordKind.MALFORMED_JSON -> truncate(serverLine(n + 500_000, t, level, action, feature, durationMs, NORMAL));
        case BadRecordKind.MISSING_FIELD -> serverLine(n + 500_000, t, level, action, feature, durationMs,
            bad.nextBoolean() ? NO_TIMESTAMP : NO_MESSAGE_ID);
        case BadRecordKind.WRONG_TYPE -> serverLine(n + 500_000, t, level, action, feature, durationMs, BAD_TIMESTAMP);
        case BadRecordKind.UNKNOWN_ACCOUNT -> serverLine(n + 500_000, t, level, action, feature, durationMs, UNKNOWN_ACCOUNT);
        default -> line;
      };
      sink.line(RawFeed.SERVER_LOGS, redelivery(kind, delivery), broken);
      tally.addBad(RawFeed.SERVER_LOGS.sourceName(), kind, 1);
    }
  }

  private String serverLine(int n, long t, String level, String action, String feature, int durationMs, int variant) {
    JsonLine j = json.begin();
    if (variant != NO_MESSAGE_ID) {
      j.str("request_id", uuid(2, n));
    }
    if (variant == BAD_TIMESTAMP) {
      j.str("ts", "yesterday");
    } else if (variant != NO_TIMESTAMP) {
      j.time("ts", t, 0);
    }
    j.str("level", level).str("user_id", user.id)
        .str("account_id", variant == UNKNOWN_ACCOUNT ? BadRecordKind.unknownAccountId(bad) : account.id)
        .str("action", action).str("feature", feature).num("duration_ms", durationMs).str("ip", user.ip);
    return j.end();
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** A duplicate is re-delivered in the same delivery or the next one; other bad lines in the same. */
  private int redelivery(String kind, int delivery) {
    if (BadRecordKind.DUPLICATE.equals(kind) && delivery < lastDelivery && bad.nextBoolean()) {
      return delivery + 1;
    }
    return delivery;
  }

  /** Cuts a line before its closing brace: never valid JSON. */
  private String truncate(String line) {
    return line.substring(0, 10 + bad.nextInt(line.length() - 12));
  }

  /** A UUID that is a pure function of (seed, kind of id, user, day, sequence number). */
  private String uuid(int kind, int n) {
    long entity = ((long) user.index << 20) | n;
    return new UUID(Seeds.hash(params.seed(), kind, entity, day), Seeds.hash(params.seed(), kind + 10, entity, day))
        .toString();
  }
}
