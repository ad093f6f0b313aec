"""`{{ rule|rule_name }}`: a risk rule's name in the reader's language (the shipped rules are translated;
a rule added as data shows its stored name), with its version."""

from django import template

from lianfang.watch.models import RiskRule
from lianfang.watch.risk_rules import rule_name as _rule_name

register = template.Library()


@register.filter
def rule_name(rule: RiskRule | None) -> str:
    return _rule_name(rule) if rule is not None else ""
