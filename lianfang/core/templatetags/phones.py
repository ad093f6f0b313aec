"""{% load phones %}{% phone resident.phone %}: a resident's phone as the viewer may see it — a tel: link
for the roles that call households, masked (139****5678) for the others (core/phones.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from lianfang.core.phones import mask_phone, sees_full_phones

register = template.Library()


@register.simple_tag(takes_context=True)
def phone(context: Any, number: str, link: bool = True) -> str:
    if not number:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not sees_full_phones(user):
        return mask_phone(number)
    if link:
        return format_html('<a href="tel:{0}">{0}</a>', number)
    return number
