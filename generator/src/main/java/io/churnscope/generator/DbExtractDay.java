package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * One day of the database extracts, for the accounts whose product is available that day: records
 * created per object type (volumetrics, following the account's adopters and its activity curve) and
 * the full configuration snapshot (a setting, once turned on, stays on). Pure function of
 * (seed, day, {@link UsageModel}); bad rows are extra rows broken in exactly one way.
 */
final class DbExtractDay {
  /** Where extract rows go: the source, the delivery day, the values in the source's column order and the bad kind or null. */
  interface Sink {
    void row(RawFeed source, int deliveryDay, String[] values, String badKind);
  }

  private DbExtractDay() {}

  static void generate(GeneratorParams params, UsageModel model, int day, int shard, int shards, Sink sink) {
    String date = LocalDate.ofEpochDay(day).toString();
    BadRowPlanter.Spec countsSpec = BadRowPlanter.spec(RawFeed.RECORD_COUNTS);
    BadRowPlanter.Spec configSpec = BadRowPlanter.spec(RawFeed.CONFIG_SNAPSHOTS);
    for (int i = shard; i < model.accounts.length; i += shards) {
      UsageModel.Account a = model.accounts[i];
      double activity = a.activity(day);
      if (activity == 0) {
        continue;
      }
      SplittableRandom r = Seeds.random(params.seed(), Seeds.EXTRACTS, a.index, day);
      SplittableRandom bad = Seeds.random(params.seed(), Seeds.BILLING_BAD, a.index, day);
      double weekday = LocalDate.ofEpochDay(day).getDayOfWeek().getValue() >= 6 ? 0.2 : 1.0;
      for (int o = 0; o < EventCatalog.OBJECT_TYPES.length; o++) {
        if (o == 3 && !a.automation(day)) {
          continue;
        }
        double mean = (1.5 - 0.25 * o) * Math.max(0.3, a.adopters) * activity * weekday;
        int created = Draws.poisson(r, mean);
        if (created > 0) {
          emit(sink, countsSpec, day, new String[] {date, a.id, EventCatalog.OBJECT_TYPES[o], String.valueOf(created)},
              params.badRecordRate(), bad, o);
        }
      }
      for (int s = 0; s < EventCatalog.SETTINGS.length; s++) {
        SplittableRandom adoption = Seeds.random(params.seed(), Seeds.EXTRACTS, a.index, -1 - s);
        boolean ever = adoption.nextDouble() < 0.25 + 0.08 * s % 0.5 + (a.adopters > 3 ? 0.2 : 0);
        int adoptedOn = a.activeFrom + (int) Draws.exponential(adoption, 40);
        boolean enabled = ever && day >= adoptedOn;
        emit(sink, configSpec, day, new String[] {date, a.id, EventCatalog.SETTINGS[s], String.valueOf(enabled)},
            params.badRecordRate(), bad, s);
      }
    }
  }

  private static void emit(Sink sink, BadRowPlanter.Spec spec, int day, String[] values, double rate,
      SplittableRandom bad, int n) {
    sink.row(spec.source(), day, values, null);
    if (bad.nextDouble() < rate) {
      java.util.List<String> kinds = spec.kinds();
      String kind = kinds.get(bad.nextInt(kinds.size()));
      sink.row(spec.source(), day, BadRowPlanter.broken(spec, values, kind, n, bad), kind);
    }
  }
}
