"""Pinyin keys for Chinese names: what people type in a search or type-ahead field.

A clerk looking for 新兴街道人大代表联络站 types 新兴, ``xinxing`` or ``xx``; a deputy 张三 is
found by ``zhangsan`` or ``zs``. Names keep two stored keys (full pinyin and initials) so the
search is a plain indexed comparison instead of pinyin work per row.
"""

from __future__ import annotations

from django.db.models import Q


def pinyin_keys(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三: what people type to find a Chinese name."""
    # Imported on first use: pypinyin's phrase dictionary costs ~55 MB of RSS, which every
    # process (export workers included) would otherwise pay at django.setup().
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    return "".join(syllables).lower(), "".join(s[0] for s in syllables if s).lower()


def pinyin_q(text: str, *, anywhere: bool = False) -> Q:
    """``name`` contains the text, or the pinyin / initials keys start with it (``anywhere``:
    contain it, for long names such as stations where the distinctive part is in the middle)."""
    text = text.strip()
    key = text.lower().replace(" ", "")
    lookup = "contains" if anywhere else "startswith"
    q = Q(name__contains=text)
    if key.isascii() and key:
        q |= Q(**{f"name_pinyin__{lookup}": key}) | Q(**{f"name_initials__{lookup}": key})
    return q
