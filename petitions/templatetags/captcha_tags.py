"""The captcha's text question, read from the session the view just issued it into."""

from django import template

from petitions import captcha

register = template.Library()


@register.simple_tag(takes_context=True)
def captcha_question(context) -> str:
    request = context.get("request")
    return captcha.question(request) if request is not None else ""
