#!/usr/bin/env python3
"""How much of the generator's latent distress a month-end snapshot can see (docs/generator.md).

A simulation of the generator's distress chain, not of the lake: accounts with monthly anniversaries,
an onset with probability p at each calm anniversary, the churn hazard x K at the 2-, 3- and 4-month
anniversaries of an episode (scaled so the mean hazard is h), background support tickets, NPS answers
and past-due spells, and each episode's signals as the generator plants them ("old": before 2026-12-07,
"new": since). At every month-end it records whether the account churns within 90 days, its latent
state, and the counts a snapshot sees: high-priority tickets in the last 30 and 90 days (a ticket is
seen once it closes), detractor answers and past-due spells in the last 90 days.

It prints two AUCs per variant: ranking by P(churn | latent state) (what an oracle that knows the
episode and its month sees) and by P(churn | the observed counts) (the best any model of these counts
can do; both probabilities are the empirical rates of the cells). Usage is left out: the planted-driver
test's lake has usage only for its last 30 days.

    python3 bench/distress-signals.py [--accounts 20000] [--seed 1]
"""
import argparse
from collections import defaultdict

import numpy as np

MONTHS, HORIZON_MONTHS, K, HAZARD, ONSET = 36, 3, 20, 0.03, 0.04
MEAN_MULTIPLIER = 2.97  # E[m] of the steady state (docs/generator.md): keeps the mean hazard at HAZARD
BACKGROUND = dict(high_tickets_per_month=0.08, nps_answer=0.5, detractor=0.36, past_due=0.015)


def old_signals(rng, onset, events):
    if rng.random() < 0.6:
        events.append((onset + rng.integers(7, 61), "detractor"))
    if rng.random() < 0.6:
        for _ in range(1 + rng.poisson(0.5)):  # opened 0-45 days in, seen when closed 14-42 days later
            events.append((onset + rng.integers(0, 46) + rng.integers(14, 43), "high"))
    if rng.random() < 0.35:
        events.append((onset + 31, "past_due"))


def new_signals(rng, onset, events):
    if rng.random() < 0.85:
        events.append((onset + rng.integers(5, 31), "detractor"))
    if rng.random() < 0.9:  # the first in the first week, the others 0-149 days in; seen when closed 2-7 days later
        events.append((onset + rng.integers(0, 8) + rng.integers(2, 8), "high"))
        for _ in range(rng.poisson(4)):
            events.append((onset + rng.integers(0, 150) + rng.integers(2, 8), "high"))
    if rng.random() < 0.6:
        events.append((onset + 31, "past_due"))


def simulate(rng, accounts, plant):
    rows = []
    for a in range(accounts):
        state, states, onsets, churn = -1, [], [], None
        for m in range(MONTHS):
            if state < 0 and rng.random() < ONSET:
                state = 0
                onsets.append(m)
            states.append(state)
            multiplier = K if state in (2, 3, 4) else 1
            if m > 0 and rng.random() < min(1, multiplier * HAZARD / MEAN_MULTIPLIER):
                churn = m
                break
            if state >= 0:
                state = state + 1 if state < 4 else -1
        last = churn if churn is not None else MONTHS
        events = []
        for m in range(last):
            for _ in range(rng.poisson(BACKGROUND["high_tickets_per_month"])):
                events.append((m * 30 + rng.integers(30), "high"))
            if m % 3 == a % 3 and rng.random() < BACKGROUND["nps_answer"]:
                events.append((m * 30 + rng.integers(30), "detractor" if rng.random() < BACKGROUND["detractor"] else "nps"))
            if rng.random() < BACKGROUND["past_due"]:
                events.append((m * 30 + 1, "past_due"))
        for m in onsets:
            plant(rng, m * 30, events)
        events = [e for e in events if e[0] < last * 30]
        for t in range(6, MONTHS - HORIZON_MONTHS):
            if churn is not None and churn <= t:
                break
            day = t * 30 + 15
            seen = lambda kind, days: sum(1 for d, k in events if k == kind and day - days <= d < day)
            counts = tuple(min(3, c) for c in (seen("high", 30), seen("high", 90), seen("detractor", 90), seen("past_due", 90)))
            rows.append((int(churn is not None and churn <= t + HORIZON_MONTHS), states[t], counts))
    return rows


def cell_rates(keys, labels):
    cells = defaultdict(lambda: [0, 0])
    for k, y in zip(keys, labels):
        cells[k][0] += y
        cells[k][1] += 1
    return np.array([cells[k][0] / cells[k][1] for k in keys])


def auc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):  # average ranks of ties
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels.sum()
    return (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * (len(labels) - positives))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for name, plant in (("old", old_signals), ("new", new_signals)):
        rows = simulate(np.random.default_rng(args.seed), args.accounts, plant)
        labels = np.array([r[0] for r in rows])
        latent = auc(cell_rates([r[1] for r in rows], labels), labels)
        observed = auc(cell_rates([r[2] for r in rows], labels), labels)
        print(f"{name} signals: {len(rows)} month-end snapshots, {labels.sum()} churn within 90 days; "
              f"AUC by the latent state {latent:.3f}, by the observed counts {observed:.3f}")


if __name__ == "__main__":
    main()
