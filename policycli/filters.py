"""Record filters shared by ``extract`` and ``export``: which records reach the output.

Filters only choose what is written; the store always keeps every record, so a
later ``export`` can ask a different question of the same documents.
"""
from __future__ import annotations

from dataclasses import dataclass

from .record import KINDS, UNIT_KINDS, Record


class FilterError(ValueError):
    """An option value that names no known kind or unit kind; ``str()`` is one line."""


def parse_choices(value: str | None, allowed: tuple[str, ...], option: str) -> frozenset[str] | None:
    """Split a comma list such as ``"target,plan"``; ``None`` or blank means no filter.

    Raises ``FilterError`` naming the option and the allowed values when an
    item is unknown, so a typo never silently filters everything out.
    """
    if value is None or not value.strip():
        return None
    items = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise FilterError(
            f"{option}: unknown value {', '.join(map(repr, unknown))} "
            f"(choose from {', '.join(allowed)})"
        )
    return frozenset(items)


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Keep a record when it matches every criterion given; ``None`` criteria match all.

    ``subject`` matches as a substring, so ``--subject 工业园`` keeps records
    whose subject is ``青岛高科技工业园管理委员会``.
    """

    kinds: frozenset[str] | None = None
    unit_kinds: frozenset[str] | None = None
    subject: str | None = None

    @classmethod
    def from_options(
        cls, kind: str | None = None, unit_kind: str | None = None, subject: str | None = None
    ) -> "RecordFilter":
        """Build a filter from the command line's comma lists and subject text."""
        return cls(
            kinds=parse_choices(kind, KINDS, "--kind"),
            unit_kinds=parse_choices(unit_kind, UNIT_KINDS, "--unit-kind"),
            subject=subject or None,
        )

    @property
    def active(self) -> bool:
        """True when the filter can reject anything."""
        return bool(self.kinds or self.unit_kinds or self.subject)

    def __call__(self, record: Record) -> bool:
        if self.kinds is not None and record.kind not in self.kinds:
            return False
        if self.unit_kinds is not None and record.unit_kind not in self.unit_kinds:
            return False
        if self.subject is not None and (record.subject is None or self.subject not in record.subject):
            return False
        return True
