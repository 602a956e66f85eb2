package io.churnscope.generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code churn_drivers} block of ground_truth.json: the distress process, its signals and what it did. */
final class ChurnDriversTruth {
  private ChurnDriversTruth() {}

  static Map<String, Object> build(GeneratorParams params, List<AccountHistory> accounts) {
    Map<String, Object> drivers = new LinkedHashMap<>();
    drivers.put("process", "latent distress episodes, independent of every CRM, plan, segment and adoption attribute "
        + "(own random stream): at each monthly anniversary (month 0 = first paid day) a paying customer not in an "
        + "episode enters one with probability onset_probability; the episode multiplies the churn hazard by "
        + "hazard_multiplier at the anniversaries hazard_months_after_onset after its onset and ends after the last of "
        + "them (recovery) if the account did not churn");
    drivers.put("onset_probability", params.distressOnset());
    drivers.put("hazard_multiplier", DistressEpisodes.HAZARD_MULTIPLIER);
    drivers.put("hazard_months_after_onset", List.of(DistressEpisodes.FIRST_HAZARD_MONTH,
        DistressEpisodes.LAST_HAZARD_MONTH));
    drivers.put("steady_state_mean_multiplier", DistressChain.steadyStateMeanMultiplier(params.distressOnset()));
    drivers.put("hazard_scaling", "planted h = base x lifts (at most 1); applied hazard = min(1, c x h) outside the "
        + "hazard months, min(1, c x K x h) in them. c is recomputed at every anniversary from the distribution of the "
        + "distress state among the customers still paying (each customer starts calm, the chain runs from its first "
        + "paid day, churn applies only inside the history window) so that the mean applied hazard is exactly h: "
        + "c = 1 / E[multiplier | still paying], or (h - d) / ((1 - d) h) when K c h would exceed 1 (d = distressed "
        + "share). A constant c = 1 / steady_state_mean_multiplier would let the distressed churn first and lower the "
        + "realised rates of the hot-spots (by 13 % at h = 0.05 and 44 % at h = 0.2 over 24 months from the steady state)");
    drivers.put("signals", signals());
    drivers.put("oracle", "ChurnHazards.probability(account, snapshot, horizon): 1 - the probability of surviving every "
        + "anniversary in (snapshot, snapshot + horizon], given the distress episodes begun by the snapshot and the "
        + "onset probability for the ones to come; a churn already decided (cancellation requested, churn "
        + "anniversary passed or the 28-day pre-churn fade begun) is certain");
    drivers.put("counts", counts(params, accounts));
    return drivers;
  }

  private static Map<String, Object> signals() {
    Map<String, Object> signals = new LinkedHashMap<>();
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("probability", 1.0);
    usage.put("floor_share", DistressEpisodes.DECLINE_FLOOR);
    usage.put("days_to_floor", List.of(DistressEpisodes.DECLINE_MIN_DAYS, DistressEpisodes.DECLINE_MAX_DAYS));
    usage.put("recovery_days", DistressEpisodes.RECOVERY_DAYS);
    usage.put("shape", "activity of the account's users falls linearly from 100 % at the onset to the floor after "
        + "days_to_floor days (uniform), stays there until the episode's last hazard anniversary, then rises linearly "
        + "back to 100 % over recovery_days; multiplies the 28-day pre-churn fade (decline) of a churner");
    signals.put("usage_decline", usage);
    Map<String, Object> nps = new LinkedHashMap<>();
    nps.put("probability", DistressEpisodes.DETRACTOR_PROBABILITY);
    nps.put("days_after_onset", List.of(DistressEpisodes.DETRACTOR_FIRST_DAY, DistressEpisodes.DETRACTOR_LAST_DAY));
    nps.put("score", List.of(0, 6));
    nps.put("shape", "one extra NPS response with a detractor score (uniform 0-6) from a user of the account, on a "
        + "day uniform in days_after_onset; background answers (quarterly waves, scores 4-10) go on as before");
    signals.put("detractor_nps", nps);
    Map<String, Object> tickets = new LinkedHashMap<>();
    tickets.put("probability", DistressEpisodes.TICKET_PROBABILITY);
    tickets.put("count", "1 + Poisson(" + DistressEpisodes.EXTRA_TICKETS_MEAN + ")");
    tickets.put("opened_days_after_onset", List.of(0, DistressEpisodes.TICKET_LAST_DAY));
    tickets.put("open_days", List.of(DistressEpisodes.TICKET_MIN_OPEN_DAYS, DistressEpisodes.TICKET_MAX_OPEN_DAYS));
    tickets.put("shape", "priority high (70 %) or urgent, any category, CSAT 1-3 on 60 %, exported on the day it closes "
        + "(a ticket closing after end_date is not written); background tickets (Poisson(0.25 + 0.04 sqrt(seats)) a "
        + "month, 25 % high or urgent) go on as before");
    signals.put("high_priority_tickets", tickets);
    Map<String, Object> pastDue = new LinkedHashMap<>();
    pastDue.put("probability", DistressEpisodes.PAST_DUE_PROBABILITY);
    pastDue.put("months_after_onset", DistressEpisodes.PAST_DUE_MONTH);
    pastDue.put("until_days_after_anniversary", List.of(DistressEpisodes.PAST_DUE_MIN_DAYS,
        DistressEpisodes.PAST_DUE_MAX_DAYS));
    pastDue.put("shape", "core subscription version with status past_due from the day after that anniversary, back to "
        + "active 3-6 days after it (not written when the background past-due spell, 1.5 % of renewals, falls on the "
        + "same anniversary)");
    signals.put("past_due", pastDue);
    signals.put("censoring", "a signal falling before the history window (usage: the usage window), after end_date or "
        + "on or after the churn is not written");
    return signals;
  }

  private static Map<String, Object> counts(GeneratorParams params, List<AccountHistory> accounts) {
    long episodes = 0;
    long inHistory = 0;
    long detractor = 0;
    long tickets = 0;
    long pastDue = 0;
    long anniversaries = 0;
    long distressedAnniversaries = 0;
    long churnedDistressed = 0;
    long churnedCalm = 0;
    double hazardSum = 0;
    long accountsWithEpisode = 0;
    long churnedWithEpisode = 0;
    long churnedWithoutEpisode = 0;
    for (AccountHistory h : accounts) {
      boolean hadEpisode = false;
      for (DistressEpisodes.Episode e : h.distress().episodes) {
        episodes++;
        if (!e.onset().isBefore(params.historyStart())) {
          inHistory++;
          hadEpisode = true;
          detractor += e.detractor() ? 1 : 0;
          tickets += e.tickets() > 0 ? 1 : 0;
          pastDue += e.pastDue() ? 1 : 0;
        }
      }
      List<AnniversaryHazard> rows = h.hazards();
      for (int i = 0; i < rows.size(); i++) {
        AnniversaryHazard row = rows.get(i);
        anniversaries++;
        hazardSum += row.hazard();
        distressedAnniversaries += row.distressed() ? 1 : 0;
        if (h.churned() && i == rows.size() - 1) {
          churnedDistressed += row.distressed() ? 1 : 0;
          churnedCalm += row.distressed() ? 0 : 1;
        }
      }
      if (h.isCustomer()) {
        accountsWithEpisode += hadEpisode ? 1 : 0;
        churnedWithEpisode += hadEpisode && h.churned() ? 1 : 0;
        churnedWithoutEpisode += !hadEpisode && h.churned() ? 1 : 0;
      }
    }
    long customers = accounts.stream().filter(AccountHistory::isCustomer).count();
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("episodes", episodes);
    counts.put("episodes_with_onset_in_history", inHistory);
    counts.put("of_which_planted_detractor_nps", detractor);
    counts.put("of_which_planted_tickets", tickets);
    counts.put("of_which_planted_past_due", pastDue);
    counts.put("customers_with_an_episode_in_history", accountsWithEpisode);
    counts.put("churned_of_them", churnedWithEpisode);
    counts.put("customers_without", customers - accountsWithEpisode);
    counts.put("churned_of_those", churnedWithoutEpisode);
    counts.put("anniversaries", anniversaries);
    counts.put("mean_applied_hazard", anniversaries == 0 ? 0 : hazardSum / anniversaries);
    counts.put("anniversaries_in_hazard_months", distressedAnniversaries);
    counts.put("churned_in_hazard_months", churnedDistressed);
    counts.put("churned_elsewhere", churnedCalm);
    return counts;
  }
}
