"""Aggregates the ORM lacks on both of our databases (SQLite in development, PostgreSQL)."""

from __future__ import annotations

from django.db.models import Aggregate, CharField


class Joined(Aggregate):
    """The group's values joined with commas: ``GROUP_CONCAT`` (SQLite), ``STRING_AGG`` (PostgreSQL).

    For ids and region paths (digits and slashes), where a comma never occurs; the expression
    must be text (``Cast(…, CharField())``).
    """

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )
