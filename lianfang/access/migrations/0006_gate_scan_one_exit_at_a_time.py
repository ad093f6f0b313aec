"""`access_record_scan` decides the exits of one household one at a time.

Two members of a household leaving at two gates in the same instant both counted the household's exits
before either stored its passage, so both were allowed with a quota of one. The function now takes a
transaction-level advisory lock on the household before counting (19526, 'LF': the class of Lianfang's
household locks; the household id folded into the integer key, so two households sharing a key only wait
for each other): the second exit waits for the first to commit (a few milliseconds), then counts it.
Entries, refusals before the count and exempt passes take no lock.

FUNCTION states the whole function as this migration creates it: 0004's, with the lock added before the
count. It is the gate's only decision (lianfang/access/scan.py calls it); its Python twin is the test oracle
lianfang/access/tests/scan_oracle.py (the comments below that name "the Python path" and `scan._decide`
mean that oracle and its `decide`). test_scan_decision_codes checks that the database runs this text. A
later change of the function is a new migration that states it in full again.
"""

import importlib

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION access_record_scan(
    p_client_id uuid, p_gate_id bigint, p_device_id bigint, p_guard_id bigint,
    p_gate_compound bigint, p_gate_path text, p_gate_open boolean, p_accepted text[],
    p_pass_id bigint, p_number text, p_version integer, p_parse_error text,
    p_direction text, p_temperature numeric, p_client_time timestamptz, p_now timestamptz,
    p_today date, p_since timestamptz, p_closed boolean, p_exits integer, p_period integer,
    p_exempt text[], p_fever numeric, p_tz text,
    OUT r_duplicate boolean, OUT r_code text, OUT r_exits_left integer, OUT r_next_allowed date,
    OUT r_temperature numeric, OUT r_household_id bigint, OUT r_label text, OUT r_compound_name text,
    OUT r_valid_from date, OUT r_valid_to date, OUT r_held_until date
) LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_id bigint; v_kind text; v_status text; v_version integer; v_compound bigint; v_path text;
    v_h_compound bigint; v_used bigint; v_pivot timestamptz; v_rows integer;
BEGIN
    FOR attempt IN 1..3 LOOP
        -- Sent before: the first answer, nothing stored (the label as the Python path gives it).
        SELECT e.code, e.exits_left, e.next_allowed, e.temperature, e.household_id
          INTO r_code, r_exits_left, r_next_allowed, r_temperature, r_household_id
          FROM access_passage e WHERE e.client_id = p_client_id;
        IF FOUND THEN
            r_duplicate := true;
            r_label := NULL; v_h_compound := NULL;
            r_valid_from := NULL; r_valid_to := NULL; r_held_until := NULL;
            IF r_household_id IS NOT NULL THEN
                SELECT h.label, h.compound_id INTO r_label, v_h_compound
                  FROM places_household h WHERE h.id = r_household_id;
            END IF;
            EXIT;
        END IF;

        r_duplicate := false;
        r_temperature := p_temperature;
        r_exits_left := NULL;
        r_next_allowed := NULL;
        v_id := NULL; r_household_id := NULL; r_label := NULL; v_h_compound := NULL;
        r_valid_from := NULL; r_valid_to := NULL; r_held_until := NULL;
        IF p_parse_error IS NULL THEN
            IF p_number IS NOT NULL THEN
                SELECT p.id, p.kind, p.status, p.version, p.valid_from, p.valid_to, p.compound_id, p.path,
                       p.household_id, h.label, h.compound_id, h.exits_held_until
                  INTO v_id, v_kind, v_status, v_version, r_valid_from, r_valid_to, v_compound, v_path,
                       r_household_id, r_label, v_h_compound, r_held_until
                  FROM access_pass p LEFT JOIN places_household h ON h.id = p.household_id
                 WHERE p.number = p_number;
            ELSE
                SELECT p.id, p.kind, p.status, p.version, p.valid_from, p.valid_to, p.compound_id, p.path,
                       p.household_id, h.label, h.compound_id, h.exits_held_until
                  INTO v_id, v_kind, v_status, v_version, r_valid_from, r_valid_to, v_compound, v_path,
                       r_household_id, r_label, v_h_compound, r_held_until
                  FROM access_pass p LEFT JOIN places_household h ON h.id = p.household_id
                 WHERE p.id = p_pass_id;
            END IF;
        END IF;

        -- The same order of checks as scan._decide.
        IF p_parse_error = 'malformed' THEN r_code := 'token_malformed';
        ELSIF p_parse_error = 'forged' THEN r_code := 'token_forged';
        ELSIF v_id IS NULL THEN r_code := 'pass_unknown';
        ELSIF p_version IS NOT NULL AND p_version <> v_version THEN r_code := 'pass_replaced';
        ELSIF v_status = 'revoked' THEN r_code := 'pass_revoked';
        ELSIF v_compound IS NOT NULL AND v_compound <> p_gate_compound THEN r_code := 'wrong_compound';
        ELSIF v_compound IS NULL AND NOT starts_with(p_gate_path, v_path) THEN r_code := 'wrong_compound';
        ELSIF r_valid_to IS NOT NULL AND p_today > r_valid_to THEN r_code := 'pass_expired';
        ELSIF r_valid_from IS NOT NULL AND p_today < r_valid_from THEN r_code := 'pass_not_yet_valid';
        ELSIF NOT p_gate_open THEN r_code := 'gate_closed';
        ELSIF NOT (v_kind = ANY (p_accepted)) THEN r_code := 'kind_not_accepted';
        ELSIF p_temperature IS NOT NULL AND p_temperature >= p_fever THEN r_code := 'fever';
        ELSIF p_direction = 'in' THEN r_code := 'entry_allowed';
        ELSIF v_status = 'suspended' THEN r_code := 'pass_suspended';
        ELSIF r_held_until IS NOT NULL AND p_today <= r_held_until THEN r_code := 'quarantined';
        ELSIF p_closed THEN r_code := 'closed_hours';
        ELSIF v_kind = ANY (p_exempt) OR v_kind = 'work' OR r_household_id IS NULL THEN
            r_code := 'exit_exempt';
        ELSE
            PERFORM pg_advisory_xact_lock(19526, (r_household_id % 2147483647)::integer);
            SELECT count(*) INTO v_used FROM access_passage x
             WHERE x.household_id = r_household_id AND x.counted AND x.server_time >= p_since;
            IF v_used >= p_exits THEN
                r_code := 'quota_used';
                -- The day the oldest exits leave the rolling window far enough for one more exit.
                SELECT x.server_time INTO v_pivot FROM access_passage x
                 WHERE x.household_id = r_household_id AND x.counted AND x.server_time >= p_since
                 ORDER BY x.server_time DESC OFFSET p_exits - 1 LIMIT 1;
                IF FOUND THEN
                    r_next_allowed := (v_pivot AT TIME ZONE p_tz)::date + p_period;
                END IF;
            ELSE
                r_code := 'exit_allowed';
                r_exits_left := p_exits - v_used - 1;
            END IF;
        END IF;

        INSERT INTO access_passage (client_id, gate_id, device_id, guard_id, pass_id, household_id, direction,
                                    temperature, decision, code, counted, exits_left, next_allowed,
                                    client_time, server_time, path)
        VALUES (p_client_id, p_gate_id, p_device_id, p_guard_id, v_id, CASE WHEN v_id IS NULL THEN NULL
                ELSE r_household_id END, p_direction, p_temperature,
                CASE WHEN r_code IN ('entry_allowed', 'exit_allowed', 'exit_exempt') THEN 'allowed'
                     WHEN r_code = 'fever' THEN 'referred' ELSE 'refused' END,
                r_code, r_code = 'exit_allowed', r_exits_left, r_next_allowed, p_client_time, p_now,
                p_gate_path)
        ON CONFLICT (client_id) DO NOTHING;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        EXIT WHEN v_rows = 1;
        -- A retry raced its original and lost: read the original's answer.
        IF attempt = 3 THEN
            RAISE EXCEPTION 'gate scan %: stored by another transaction that cannot be read', p_client_id;
        END IF;
    END LOOP;
    IF r_label IS NOT NULL AND v_h_compound IS DISTINCT FROM p_gate_compound THEN
        SELECT c.name INTO r_compound_name FROM places_compound c WHERE c.id = v_h_compound;
        r_compound_name := coalesce(r_compound_name, '');
    END IF;
END
$fn$;
"""

# Reversing restores 0004's function.
BEFORE = importlib.import_module("lianfang.access.migrations.0004_gate_scan_function").FUNCTION


class Migration(migrations.Migration):
    dependencies = [("access", "0005_passage_log_without_constraints")]

    operations = [migrations.RunSQL(sql=[FUNCTION], reverse_sql=[BEFORE], elidable=False)]
