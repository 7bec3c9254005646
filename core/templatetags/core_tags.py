from django import template

from core import listexport, pii

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


@register.filter
def provisional(day) -> str:
    """A "provisional" (暂定) badge after a date in a year whose holidays are not loaded."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from core.workdays import is_provisional

    if not is_provisional(day):
        return ""
    return format_html(
        ' <span class="badge text-bg-warning provisional" title="{}">{}</span>',
        _("This year's public holidays are not loaded yet; the date may still move."),
        pgettext("date", "provisional"),
    )


@register.simple_tag(takes_context=True)
def export_list_url(context) -> str:
    """This list page's URL with its filter, asking for "Export this list" (core.listexport)."""
    request = context["request"]
    return f"{request.path}?{listexport.export_query(request.GET)}"


@register.inclusion_tag("core/_last_change.html")
def last_change(subject, topic: str) -> dict:
    """ "Last change: when, by whom, what" for a setting's page (core.changes)."""
    from core import changes

    record = changes.last_change(subject, topic)
    return {"change": record, "lines": changes.lines(record) if record else []}
