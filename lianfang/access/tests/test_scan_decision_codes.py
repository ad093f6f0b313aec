"""The gate's decision codes are one list, `DecisionCode`: the SQL function as the database runs it, the
Python oracle, the request checks and the guard's messages use exactly its codes, and the function stores
the decision (allowed, refused, referred) that the messages give each code."""

from __future__ import annotations

import ast
import inspect
import re

from django.db import connection
from django.utils import translation

from lianfang.access import messages, scan
from lianfang.access.models import Decision, DecisionCode
from lianfang.access.tests import scan_oracle


def function_source() -> str:
    """The body of access_record_scan as the database has it (pg_proc.prosrc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'access_record_scan'")
        rows = cursor.fetchall()
    assert len(rows) == 1
    return rows[0][0]


def codes_named_in(function: object) -> set[str]:
    """The DecisionCode members a Python function names (`DecisionCode.QUOTA_USED`)."""
    tree = ast.parse(inspect.getsource(function))
    return {
        DecisionCode[node.attr].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "DecisionCode"
    }


def test_every_code_has_a_decision_and_a_message_of_its_own():
    assert set(messages.DECISION_OF) == set(DecisionCode.values)
    assert set(messages.DECISION_OF.values()) == set(Decision.values)
    with translation.override("en"):
        for code in DecisionCode.values:
            message, advice = messages.describe(code, exits_left=1, temperature=37.6, fever_line=37.3)
            assert message != code and advice, code


def test_the_three_groups_of_codes_share_none_and_leave_none_out():
    groups = [messages.PASS_CODES, messages.INPUT_CODES, messages.VISITOR_CODES]
    assert sum(len(g) for g in groups) == len(DecisionCode.values)
    assert set().union(*groups) == set(DecisionCode.values)


def test_the_sql_function_answers_exactly_the_codes_of_a_scanned_pass(db):
    answered = set(re.findall(r"\br_code\s*:=\s*'([a-z_]+)'", function_source()))
    assert answered == set(messages.PASS_CODES)


def test_the_sql_function_stores_the_decision_the_messages_give_each_code(db):
    source = function_source()
    case = re.search(r"CASE\s+WHEN r_code IN \(([^)]*)\) THEN '(\w+)'\s+WHEN r_code = '(\w+)' THEN '(\w+)'"
                     r"\s+ELSE '(\w+)' END", source)  # fmt: skip
    assert case is not None, "the function's CASE that names the decision changed: update this test"
    stored = dict.fromkeys(messages.PASS_CODES, case[5])  # ELSE
    stored |= dict.fromkeys(re.findall(r"'([a-z_]+)'", case[1]), case[2]) | {case[3]: case[4]}
    assert stored == {code: messages.DECISION_OF[code] for code in messages.PASS_CODES}


def test_the_python_oracle_answers_exactly_the_codes_of_the_sql_function():
    assert codes_named_in(scan_oracle.decide) == set(messages.PASS_CODES)


def test_the_request_checks_answer_exactly_the_input_codes():
    assert codes_named_in(scan.check_scan) == set(messages.INPUT_CODES)
