"""SLiMS' circulation rules, exactly as SLiMS 9.7 computes them (pure functions, no database).

The portal extends a loan only as SLiMS' own circulation would on the same day and data
(signup_fn/SLIMS.md lists the SLiMS sources these follow):

- A membership is expired when its expiry date is before today; an expiry that is no real
  date (`0000-00-00`, empty) counts as expired, as in SLiMS (`membership_expired`).
- Extending first "returns" the loan: days overdue (today − due date) give a fine of
  `fine_each_day` per day, unless today is still inside a grace period (due date + grace,
  the member type's or the loan rule's); a fine row is written even when the amount is 0.
- The new due date counts the loan period from *today*, moves past closed days (a dated
  holiday, then a weekly closed day, repeatedly), and never passes the membership's expiry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# SLiMS compares `strtolower(date('D'))` with the stored weekly names (`mon` ... `sun`).
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# SLiMS loads at most this many dated holidays, the latest first.
DATED_HOLIDAY_LIMIT = 365


def membership_expired(expire_date: date | None, today: date) -> bool:
    """SLiMS' rule: expired when the expiry is before today, or is no real date."""
    return expire_date is None or expire_date < today


@dataclass(frozen=True)
class Holidays:
    """The library's closed days: weekly names as stored (`sat`) and dated holidays."""

    weekly: frozenset[str] = frozenset()
    dated: frozenset[date] = frozenset()

    @classmethod
    def of(cls, weekly: Iterable[str], dated: Iterable[date]) -> Holidays:
        return cls(frozenset(weekly), frozenset(dated))

    def weekly_closed(self, day: date) -> bool:
        return WEEKDAY_NAMES[day.weekday()] in self.weekly


def next_open_day(day: date, holidays: Holidays) -> date:
    """The first day from `day` on that is neither a dated holiday nor a weekly closed day
    (SLiMS: a dated holiday moves one day, then a weekly closed day one more, repeated)."""
    if len({name for name in holidays.weekly if name in WEEKDAY_NAMES}) >= len(WEEKDAY_NAMES):
        raise ValueError("every weekday is closed")
    while True:
        moved = False
        if day in holidays.dated:
            day += timedelta(days=1)
            moved = True
        if holidays.weekly_closed(day):
            day += timedelta(days=1)
            moved = True
        if not moved:
            return day


def extended_due_date(
    today: date, loan_periode: int, holidays: Holidays, expire_date: date
) -> date:
    """The due date SLiMS gives a loan extended today."""
    due = today + timedelta(days=max(loan_periode, 0))
    return min(next_open_day(due, holidays), expire_date)


@dataclass(frozen=True)
class Fine:
    """The overdue fine SLiMS records when the loan is "returned" to be extended."""

    days: int
    amount: int


def overdue_fine(
    due_date: date, today: date, fine_each_day: int, grace_periods: Iterable[int]
) -> Fine | None:
    """The fine for returning a loan due `due_date` today; None when not overdue or still
    inside a grace period (no fine row then)."""
    days = (today - due_date).days
    if days < 1:
        return None
    if any(grace and today < due_date + timedelta(days=grace) for grace in grace_periods):
        return None
    return Fine(days=days, amount=fine_each_day * days)
