"""Rescheduling against what changed while it waited, and the append-only audit log."""

import threading
import time
import uuid

import psycopg
import pytest
from tenants import session
from test_booking import at, book

RESCHEDULE = "SELECT public.reschedule_appointment(%s, %s, %s, %s) AS r"


def test_reschedule_refuses_an_inactive_staff_member_as_availability_does(world):
    a = world.a
    with session(world.dsn) as conn:
        appt = book(conn, a, at(0), at(30))["appointment_id"]
        conn.execute("UPDATE staff_members SET active = false WHERE id = %s", (a.staff[0],))
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="unknown or inactive staff member"):
            conn.execute("SELECT public.check_slot_availability(%s, %s, %s, %s)", (a.org, a.staff[0], at(60), at(90)))
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="unknown or inactive staff member"):
            conn.execute(RESCHEDULE, (a.org, appt, at(60), at(90)))
        row = conn.execute("SELECT start_time FROM appointments WHERE id = %s", (appt,)).fetchone()
        assert row["start_time"] == at(0)


def _reschedule_while_locked(world, appt, change):
    """Hold the staff member's calendar lock, start a reschedule (it waits), `change` the
    appointment and commit; return what the reschedule answered."""
    a = world.a
    answer = {}
    with psycopg.connect(world.dsn) as holder:
        holder.execute("SELECT 1 FROM staff_members WHERE org_id = %s AND id = %s FOR NO KEY UPDATE",
                       (a.org, a.staff[0]))

        def reschedule():
            try:
                with session(world.dsn, "service_role") as conn:
                    answer["r"] = conn.execute(RESCHEDULE, (a.org, appt, at(60), at(90))).fetchone()["r"]
            except Exception as exc:  # surfaced by the assertions below
                answer["error"] = exc

        waiter = threading.Thread(target=reschedule)
        waiter.start()
        _wait_for_lock_waiter(world.dsn)
        change(holder)
        holder.commit()
        waiter.join(30)
    assert "error" not in answer, answer.get("error")
    return answer["r"]


def _wait_for_lock_waiter(dsn, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            # a row lock is waited for as a lock on the holder's transaction id
            if conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted").fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the reschedule never waited for the calendar lock")


def _inserted_appointment(world):
    """An appointment written directly (as service_role may), so without audit rows: deletable."""
    a = world.a
    with session(world.dsn, "service_role") as conn:
        return conn.execute("INSERT INTO appointments (org_id, staff_id, customer_id, start_time, end_time)"
                            " VALUES (%s, %s, %s, %s, %s) RETURNING id", (a.org, a.staff[0], a.customers[0],
                                                                         at(0), at(30))).fetchone()["id"]


def test_an_appointment_deleted_while_reschedule_waited_is_not_found(world):
    appt = _inserted_appointment(world)
    r = _reschedule_while_locked(world, appt, lambda c: c.execute("DELETE FROM appointments WHERE id = %s", (appt,)))
    assert (r["success"], r["error_code"]) == (False, "not_found")
    with session(world.dsn) as conn:
        assert conn.execute("SELECT count(*) AS n FROM appointment_audit_log WHERE appointment_id = %s",
                            (appt,)).fetchone()["n"] == 0


def test_an_appointment_cancelled_while_reschedule_waited_is_not_reschedulable(world):
    appt = _inserted_appointment(world)
    r = _reschedule_while_locked(world, appt, lambda c: c.execute(
        "UPDATE appointments SET status = 'cancelled', cancelled_at = now() WHERE id = %s", (appt,)))
    assert (r["success"], r["error_code"], r["status"]) == (False, "not_reschedulable", "cancelled")


def test_an_appointment_given_to_another_staff_member_meanwhile_moves_on_the_right_calendar(world):
    a = world.a
    appt = _inserted_appointment(world)
    with session(world.dsn) as conn:  # the other staff member is busy at the new time
        busy = book(conn, a, at(60), at(90), staff=1)["appointment_id"]
    r = _reschedule_while_locked(world, appt, lambda c: c.execute(
        "UPDATE appointments SET staff_id = %s WHERE id = %s", (a.staff[1], appt)))
    assert (r["success"], r["error_code"]) == (False, "slot_conflict")
    assert [c["appointment_id"] for c in r["conflicts"]] == [busy]


AUDIT_CHANGES = [
    "UPDATE appointment_audit_log SET reason = 'rewritten'",
    "DELETE FROM appointment_audit_log",
    "TRUNCATE appointment_audit_log",
]


@pytest.mark.parametrize("change", AUDIT_CHANGES)
@pytest.mark.parametrize("role", [None, "service_role", "authenticated"])
def test_the_audit_log_is_append_only_for_every_role(world, role, change):
    """None: the owner itself (here a superuser, who bypasses privileges and RLS)."""
    with session(world.dsn) as conn:
        book(conn, world.a, at(0), at(30))
    with session(world.dsn, role, world.a.org) as conn:
        expected = psycopg.errors.ObjectNotInPrerequisiteState if role is None else psycopg.errors.InsufficientPrivilege
        with pytest.raises(expected):
            conn.execute(change)
    with session(world.dsn) as conn:
        rows = conn.execute("SELECT reason FROM appointment_audit_log WHERE org_id = %s", (world.a.org,)).fetchall()
        assert rows == [{"reason": None}]


def test_deleting_an_organization_with_history_is_refused_and_purge_records_it(world):
    a = world.a
    with session(world.dsn) as conn:
        appt = book(conn, a, at(0), at(30))["appointment_id"]
        conn.execute("SELECT public.cancel_appointment(%s, %s)", (a.org, appt))
        with pytest.raises(psycopg.errors.IntegrityError, match="appointment_audit_log_org_id_fkey") as refused:
            conn.execute("DELETE FROM organizations WHERE id = %s", (a.org,))
        assert refused.value.sqlstate in ("23001", "23503")  # restrict_violation; PostgreSQL 15 says 23503
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_reason must not be empty"):
            conn.execute("SELECT app_private.purge_organization(%s, ' ')", (a.org,))
        with pytest.raises(psycopg.errors.NoDataFound, match="unknown org_id"):
            conn.execute("SELECT app_private.purge_organization(%s, 'gone')", (str(uuid.uuid4()),))
        record = conn.execute("SELECT app_private.purge_organization(%s, 'customer asked for erasure') AS r",
                              (a.org,)).fetchone()["r"]
        assert record["purged_org_id"] == a.org and record["reason"] == "customer asked for erasure"
        assert record["deleted_rows"] == {"appointment_audit_log": 2, "appointments": 1, "customers": 2,
                                          "services": 1, "staff_members": 4, "webhook_delivery_log": 0}
        assert conn.execute("SELECT count(*) AS n FROM appointment_audit_log WHERE org_id = %s",
                            (a.org,)).fetchone()["n"] == 0
        kept = conn.execute("SELECT org_name, purged_by FROM app_private.organization_purges").fetchall()
        assert kept == [{"org_name": "Org A", "purged_by": "postgres"}]
        # the purge is not the API's: no API role may call it
        for role in ("service_role", "authenticated"):
            conn.execute(f"SET ROLE {role}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT app_private.purge_organization(%s, 'x')", (world.b.org,))
            conn.execute("RESET ROLE")
