"""Month arithmetic and the numpy day-number convention used by every generator.

Dates inside the generators are int64 day numbers (days since 1970-01-01) so that they
vectorise; they become polars `Date` columns only when a frame is built.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

EPOCH = dt.date(1970, 1, 1)
NEVER = np.int64(10**7)  # a day number far beyond any series: "has not happened"


def day_number(d: dt.date) -> int:
    return (d - EPOCH).days


def from_day_number(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in text.split("-"))
    except ValueError as exc:
        raise ValueError(f"not a YYYY-MM month: {text!r}") from exc
    if not 1 <= month <= 12:
        raise ValueError(f"not a YYYY-MM month: {text!r}")
    return year, month


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def index(self) -> int:
        """Months since January 1970 (a sortable integer)."""
        return self.year * 12 + self.month - 1 - 1970 * 12

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def shift(self, n: int) -> Month:
        i = self.year * 12 + self.month - 1 + n
        return Month(i // 12, i % 12 + 1)

    @staticmethod
    def from_index(i: int) -> Month:
        i = int(i) + 1970 * 12
        return Month(i // 12, i % 12 + 1)

    @staticmethod
    def parse(text: str) -> Month:
        return Month(*parse_month(text))


def month_range(end: Month, months: int) -> list[Month]:
    """The `months` calendar months ending with `end`, oldest first."""
    if months < 1:
        raise ValueError("months must be at least 1")
    return [end.shift(k - months + 1) for k in range(months)]


def month_index_of_days(days: np.ndarray) -> np.ndarray:
    """Month index (as Month.index) of each day number."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_first_day(month_index: np.ndarray) -> np.ndarray:
    return np.asarray(month_index, dtype=np.int64).astype("datetime64[M]").astype(
        "datetime64[D]").astype(np.int64)


def month_last_day(month_index: np.ndarray) -> np.ndarray:
    return month_first_day(np.asarray(month_index, dtype=np.int64) + 1) - 1


def stamp(d: dt.date) -> str:
    return d.strftime("%Y%m%d")
