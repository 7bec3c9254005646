"""Every page of the role matrix, rendered in Chinese and in English, is in one language.

The issue's "Labels" item: a test renders every page and fails on any string that is in the
wrong language, beyond names and data.

* English: no CJK character outside data. Data is whatever the database holds (names of
  stations, deputies, regions, categories, what people typed) and any element the template marks
  as not to be translated (``translate="no"``, the HTML attribute for exactly this, or an explicit
  ``lang`` such as the language picker's "简体中文").
* Chinese: no English UI string from the catalogues' msgids left untranslated — a text node or a
  label attribute that *is* a msgid the Chinese catalogue translates differently.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from core.catalogues import catalogue_paths
from tests.matrix import Entry
from tests.test_role_matrix import (  # noqa: F401  (matrix_world: a fixture)
    all_entries,
    matrix_world,
    signed_in_client,
)

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
SKIP = {"script", "style", "textarea", "template"}
LABEL_ATTRS = ("title", "placeholder", "aria-label", "alt")


class _Texts(HTMLParser):
    """Visible text nodes and label attributes, without subtrees marked as data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        skip = tag in SKIP or a.get("translate") == "no" or ("lang" in a and tag != "html")
        if not skip and not self._skipping():
            self.found += [a[k] for k in LABEL_ATTRS if a.get(k)]
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        if not self._skipping() and a.get("translate") != "no":
            self.found += [a[k] for k in LABEL_ATTRS if a.get(k)]

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.found.append(data.strip())


def texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.found


def _data_strings() -> list[str]:
    """Every short text value the database holds: names and what people typed are data."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not fields or model._meta.app_label in {"sessions", "axes", "admin"}:
            continue
        for row in model._default_manager.values_list(*fields):
            for v in row:
                if v and CJK.search(str(v)):
                    values.add(str(v).strip())
                    values.update(p.strip() for p in str(v).splitlines() if p.strip())
    return sorted(values, key=len, reverse=True)


def _glossed_msgids() -> list[str]:
    """English msgids that quote a Chinese term on purpose, e.g. "The six standards (六有)"."""
    found = {
        e.msgid.strip()
        for path in catalogue_paths("en")
        for e in polib.pofile(str(path))
        if CJK.search(e.msgid) and "%" not in e.msgid
    }
    for path in catalogue_paths("zh_Hans"):
        found |= {e.msgid.strip() for e in polib.pofile(str(path)) if CJK.search(e.msgid)}
    return sorted(found, key=len, reverse=True)


# A masked name or address ("王*", "新兴街****") is data too.
MASKED = re.compile(r"[\u3400-\u9fff]+\*+")


def _untranslated_msgids() -> set[str]:
    """English msgids the Chinese catalogues translate into something else."""
    found: set[str] = set()
    for path in catalogue_paths("zh_Hans"):
        for e in polib.pofile(str(path)):
            if (
                e.msgstr
                and not e.obsolete
                and e.msgstr != e.msgid
                and re.search(r"[A-Za-z]{3}", e.msgid)
                and "%" not in e.msgid
                and "{" not in e.msgid
            ):
                found.add(e.msgid.strip())
    return found


def _pages() -> list[tuple[Entry, str]]:
    pages = []
    for e in all_entries():
        oks = e.ok if isinstance(e.ok, tuple) else (e.ok,)
        if e.method != "get" or 200 not in oks:
            continue
        role = "anon" if e.public else (sorted(set(e.allow)) or [None])[0]
        if role is not None:
            pages.append((e, role))
    return pages


def _render(sessions: dict[str, str], url: str, role: str, lang: str) -> str | None:
    client = signed_in_client(sessions, role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode()


def english_problems(html: str, data: list[str]) -> list[str]:
    problems = []
    for text in texts(html):
        if not CJK.search(text):
            continue
        rest = MASKED.sub(" ", text)
        for value in data:
            if value in rest:
                rest = rest.replace(value, " ")
                if not CJK.search(rest):
                    break
        if CJK.search(rest):
            problems.append(text)
    return problems


def chinese_problems(html: str, msgids: set[str]) -> list[str]:
    return [t for t in texts(html) if t in msgids]


PAGES = _pages()


@pytest.mark.parametrize(("entry", "role"), PAGES, ids=[f"{e.name}:{r}" for e, r in PAGES])
def test_the_page_is_in_one_language(matrix_world, db, entry: Entry, role: str):  # noqa: F811
    world, _built, sessions = matrix_world
    # Some entries' arguments create their row: build the URL once.
    url = reverse(entry.name, args=entry.args(world)) + (f"?{entry.query}" if entry.query else "")
    english = _render(sessions, url, role, "en")
    if english is None:
        pytest.skip("not an HTML page for this role")
    chinese = _render(sessions, url, role, "zh-hans")
    assert chinese is not None
    wrong_en = english_problems(english, _data_strings() + _glossed_msgids())
    wrong_zh = chinese_problems(chinese, _untranslated_msgids())
    assert not wrong_en and not wrong_zh, (
        f"Chinese in the English page: {wrong_en[:8]}; English in the Chinese page: {wrong_zh[:8]}"
    )


def test_the_checker_finds_a_string_in_the_wrong_language():
    """The checks themselves: a CJK label in English, an untranslated msgid in Chinese."""
    page = '<p>Station <span translate="no">南湖站</span></p><p title="开始日期">x</p>'
    assert english_problems(page, []) == ["开始日期"]
    assert english_problems("<p>南湖站 opened</p>", ["南湖站"]) == []
    assert english_problems("<p>南湖站 已开放</p>", ["南湖站"]) == ["南湖站 已开放"]
    assert chinese_problems("<th>Held at</th><td>北京</td>", {"Held at"}) == ["Held at"]
    assert chinese_problems('<option lang="en">English</option>', {"English"}) == []
