"""The ledger is append-only in the database too: a trigger refuses every UPDATE and DELETE of a movement
(whoever sends it: the ORM, raw SQL, the admin, a cascade), and an INSERT dated before its own day (no
back-dating: `effective_day` is never before the local date of `at`). TRUNCATE is left alone: it is how
the test runner empties tables between tests; no code of the app truncates."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION supplies_movement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'supplies_movement is append-only: % refused (post a reversing movement instead)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER supplies_movement_append_only BEFORE UPDATE OR DELETE ON supplies_movement
    FOR EACH ROW EXECUTE FUNCTION supplies_movement_append_only();

CREATE FUNCTION supplies_movement_not_backdated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.effective_day < (NEW.at AT TIME ZONE 'Asia/Shanghai')::date THEN
        RAISE EXCEPTION 'supplies_movement: effective day % is before the day it was posted', NEW.effective_day
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER supplies_movement_not_backdated BEFORE INSERT ON supplies_movement
    FOR EACH ROW EXECUTE FUNCTION supplies_movement_not_backdated();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS supplies_movement_not_backdated ON supplies_movement;
DROP FUNCTION IF EXISTS supplies_movement_not_backdated();
DROP TRIGGER IF EXISTS supplies_movement_append_only ON supplies_movement;
DROP FUNCTION IF EXISTS supplies_movement_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_ledger")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
