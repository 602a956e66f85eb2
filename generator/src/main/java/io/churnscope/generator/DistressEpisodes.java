package io.churnscope.generator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The latent driver of churn: a paying customer's distress episodes, drawn from their own random
 * stream ({@link Seeds#DISTRESS}) so that no other stream's draws move, and independent of every
 * CRM, plan, segment and adoption attribute, so that the planted hot-spots' lifts stay exact.
 *
 * <p>At each monthly anniversary (month 0 = the first paid day) a customer not in an episode enters
 * one with probability p ({@code --distress-onset}, default {@link #ONSET_PROBABILITY}). The episode multiplies the churn hazard by
 * {@link #HAZARD_MULTIPLIER} at the anniversaries {@link #FIRST_HAZARD_MONTH} to {@link #LAST_HAZARD_MONTH}
 * months after the onset (churn comes 60–120 days after the first signals) and ends after the last
 * of them if the account did not churn; the next episode may begin at the following anniversary.
 * Each episode shows leading signals, each drawn once at the onset:
 * <ul>
 *   <li>usage: the activity of the account's users falls linearly from 100 % at the onset to
 *       {@link #DECLINE_FLOOR} after {@link #DECLINE_MIN_DAYS}–{@link #DECLINE_MAX_DAYS} days, stays there
 *       until the episode ends and recovers linearly over {@link #RECOVERY_DAYS} days (always);</li>
 *   <li>a detractor NPS response (score 0–6) {@link #DETRACTOR_FIRST_DAY}–{@link #DETRACTOR_LAST_DAY}
 *       days after the onset, with probability {@link #DETRACTOR_PROBABILITY};</li>
 *   <li>{@code 1 + Poisson(}{@link #EXTRA_TICKETS_MEAN}{@code )} high or urgent support tickets (escalations),
 *       the first opened 0–{@link #FIRST_TICKET_LAST_DAY} days after the onset (the escalation that opens the
 *       episode), the others on uniform days 0–{@link #TICKET_LAST_DAY} (the episode's five months), each
 *       open {@link #TICKET_MIN_OPEN_DAYS}–{@link #TICKET_MAX_OPEN_DAYS} days, with probability
 *       {@link #TICKET_PROBABILITY};</li>
 *   <li>a past-due spell (status {@code past_due} from the day after the anniversary one month after the
 *       onset, for {@link #PAST_DUE_MIN_DAYS}–{@link #PAST_DUE_MAX_DAYS} days), with probability
 *       {@link #PAST_DUE_PROBABILITY}.</li>
 * </ul>
 * A signal that would fall before the history window (or the usage window), after end-date or after
 * the churn is not written.
 */
final class DistressEpisodes {
  /** Default of --distress-onset (GeneratorParams#distressOnset): the run's value is in the truth. */
  static final double ONSET_PROBABILITY = 0.04;
  static final double HAZARD_MULTIPLIER = 20.0;
  static final int FIRST_HAZARD_MONTH = 2;
  static final int LAST_HAZARD_MONTH = 4;

  static final int DECLINE_MIN_DAYS = 60;
  static final int DECLINE_MAX_DAYS = 90;
  static final double DECLINE_FLOOR = 0.3;
  static final int RECOVERY_DAYS = 30;

  static final double DETRACTOR_PROBABILITY = 0.85;
  static final int DETRACTOR_FIRST_DAY = 5;
  static final int DETRACTOR_LAST_DAY = 30;

  static final double TICKET_PROBABILITY = 0.9;
  static final double EXTRA_TICKETS_MEAN = 4.0;
  /** The episode opens with an escalation: its first ticket comes in its first week. */
  static final int FIRST_TICKET_LAST_DAY = 7;
  static final int TICKET_LAST_DAY = 149;
  static final int TICKET_MIN_OPEN_DAYS = 2;
  static final int TICKET_MAX_OPEN_DAYS = 7;

  static final double PAST_DUE_PROBABILITY = 0.6;
  static final int PAST_DUE_MONTH = 1;
  static final int PAST_DUE_MIN_DAYS = 3;
  static final int PAST_DUE_MAX_DAYS = 6;

  /**
   * One episode and the signals drawn for it.
   *
   * @param number 1, 2, ... within the account: the entity of the episode's own signal stream
   * @param onsetMonth anniversary (months since the first paid day) of the onset
   * @param onset the onset anniversary's date
   * @param end the date of the episode's last hazard anniversary ({@link #LAST_HAZARD_MONTH} months after
   *     the onset): usage recovers from there
   * @param declineDays days from the onset until usage reaches {@link #DECLINE_FLOOR}
   * @param detractor a detractor NPS response is planted
   * @param tickets high-priority tickets planted (0 when none)
   * @param pastDue a past-due spell is planted at the anniversary {@link #PAST_DUE_MONTH} month after the onset
   */
  record Episode(int number, int onsetMonth, LocalDate onset, LocalDate end, int declineDays, boolean detractor,
      int tickets, boolean pastDue) {

    /** Months since the onset at anniversary {@code month}, or -1 outside the episode. */
    int offset(int month) {
      int offset = month - onsetMonth;
      return offset >= 0 && offset <= LAST_HAZARD_MONTH ? offset : -1;
    }

    /** The random stream a signal generator draws this episode's details from (kind 1 tickets, 2 NPS, 3 past due). */
    SplittableRandom signalStream(long seed, int accountIndex, int kind) {
      return Seeds.random(seed, Seeds.DISTRESS, accountIndex, 4L * number + kind);
    }
  }

  static final DistressEpisodes NONE = new DistressEpisodes(List.of());

  final List<Episode> episodes;

  private DistressEpisodes(List<Episode> episodes) {
    this.episodes = episodes;
  }

  /**
   * The episodes of a customer paying from {@code customerStart}, with onsets at its anniversaries up to
   * {@code end}, whatever happens to the account: the onsets from stream (DISTRESS, account, 0), one draw
   * per anniversary outside an episode; each episode's signals from (DISTRESS, account, 4 × its number + kind),
   * kind 0 at the onset (below), 1 tickets, 2 NPS, 3 past due.
   */
  static DistressEpisodes draw(long seed, int accountIndex, LocalDate customerStart, LocalDate end,
      double onsetProbability) {
    SplittableRandom r = Seeds.random(seed, Seeds.DISTRESS, accountIndex, 0);
    List<Episode> episodes = new ArrayList<>();
    for (int m = 0; !customerStart.plusMonths(m).isAfter(end); m++) {
      if (r.nextDouble() < onsetProbability) {
        int number = episodes.size() + 1;
        SplittableRandom details = Seeds.random(seed, Seeds.DISTRESS, accountIndex, 4L * number);
        episodes.add(new Episode(number, m, customerStart.plusMonths(m), customerStart.plusMonths(m + LAST_HAZARD_MONTH),
            Draws.between(details, DECLINE_MIN_DAYS, DECLINE_MAX_DAYS), details.nextDouble() < DETRACTOR_PROBABILITY,
            details.nextDouble() < TICKET_PROBABILITY ? 1 + Draws.poisson(details, EXTRA_TICKETS_MEAN) : 0,
            details.nextDouble() < PAST_DUE_PROBABILITY));
        m += LAST_HAZARD_MONTH;
      }
    }
    return new DistressEpisodes(episodes);
  }

  /** The episodes whose onset comes before anniversary {@code month}: those a customer churning then lived through. */
  DistressEpisodes before(int month) {
    return new DistressEpisodes(episodes.stream().filter(e -> e.onsetMonth() < month).toList());
  }

  /** The episode the customer is in at anniversary {@code month}, or null. */
  Episode at(int month) {
    for (Episode e : episodes) {
      if (e.offset(month) >= 0) {
        return e;
      }
    }
    return null;
  }
}
