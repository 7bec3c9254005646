"""A registry of the actions of one state machine: one row says everything about an action.

Every workflow of the product (the petition loop, livelihood projects, formal suggestions, …)
declares its actions once as ``Action`` rows in its app's ``loop.py``; services, views, the
action menu, templates and tests all read those rows instead of keeping tables of their own.

A row states where the action may start (``sources``), where it leads (``target``; ``None``
keeps the state), and, when a rule can pick another state, that rule in words
(``target_rule``) together with every state it may pick (``alt_targets``), so a test can check
the service never leaves the declared set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import IllegalTransition

T = TypeVar("T")

# (user, obj) -> whether the user holds the right for the action on obj, whatever its state.
Right = Callable[[Any, Any], bool]
# obj -> whether the action is on offer for obj beyond its state (e.g. a pending request).
Condition = Callable[[Any], bool]


@dataclass(frozen=True)
class Action:
    """One action of a state machine."""

    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str | None
    may: Right | None = None  # None: a system action nobody is offered
    form: str = ""  # dotted path of the form class, resolved lazily by the views
    url_name: str = ""
    path: str = ""  # URL path segment after the object's id, e.g. "extension/decide/"
    service: str = ""  # dotted path of the service function that performs the action
    order: int = 0
    offer_if: Condition | None = None
    target_rule: str = ""
    alt_targets: frozenset[str] = field(default_factory=frozenset)
    public: bool = False  # done by a constituent on a public page, not offered to staff

    def starts_from(self, state: str) -> bool:
        return state in self.sources

    @property
    def targets(self) -> frozenset[str]:
        """Every state the action may lead to (its own target plus what its rule may pick)."""
        main = frozenset({self.target}) if self.target is not None else frozenset()
        return main | self.alt_targets

    def allowed_for(self, user: Any, obj: Any) -> bool:
        return self.may is not None and bool(self.may(user, obj))


class Registry(Generic[T]):
    """The actions of one machine, in display order."""

    def __init__(
        self,
        actions: Iterable[Action],
        *,
        state_attr: str = "status",
        error: type[IllegalTransition] = IllegalTransition,
    ) -> None:
        rows = sorted(actions, key=lambda a: a.order)
        self._rows = {a.name: a for a in rows}
        if len(self._rows) != len(rows):
            raise ValueError("duplicate action names in a registry")
        self.state_attr = state_attr
        self.error = error

    def __getitem__(self, name: str) -> Action:
        return self._rows[name]

    def __iter__(self) -> Iterator[Action]:
        return iter(self._rows.values())

    def __contains__(self, name: object) -> bool:
        return name in self._rows

    def names(self) -> list[str]:
        return list(self._rows)

    def state_of(self, obj: T) -> str:
        return getattr(obj, self.state_attr)

    def check(self, name: str, obj: T, state_label: str | None = None) -> str:
        """The state the action leads to from ``obj``'s state, or IllegalTransition."""
        action = self._rows[name]
        state = self.state_of(obj)
        if not action.starts_from(state):
            display = getattr(obj, f"get_{self.state_attr}_display", None)
            raise self.error(
                _("“%(action)s” is not possible while the status is “%(status)s”.")
                % {
                    "action": action.label,
                    "status": state_label or (display() if display else state),
                }
            )
        return state if action.target is None else action.target

    def available(self, user: Any, obj: T) -> list[Action]:
        """The actions ``user`` may take on ``obj`` right now, in display order."""
        state = self.state_of(obj)
        return [
            a
            for a in self._rows.values()
            if a.may is not None
            and not a.public
            and a.starts_from(state)
            and a.allowed_for(user, obj)
            and (a.offer_if is None or a.offer_if(obj))
        ]
