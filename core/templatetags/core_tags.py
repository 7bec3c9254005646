from django import template

from core import pii

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some keys replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def mask_phone(value: str) -> str:
    return pii.mask_phone(value)


@register.filter
def mask_name(value: str) -> str:
    return pii.mask_name(value)


@register.filter
def mask_address(value: str) -> str:
    return pii.mask_address(value)
