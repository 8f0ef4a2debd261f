"""Booking, availability, cancellation and rescheduling: outcomes, audit trail, bad input."""

import json
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from tenants import session

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
BOOK = "SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def book(conn, t, start, end, staff=0, **optional):
    if optional:
        sql = (
            "SELECT public.book_appointment_with_lock(%(org)s, %(staff)s, %(customer)s, %(start)s, %(end)s,"
            " p_service_id => %(service)s, p_notes => %(notes)s, p_metadata => %(metadata)s) AS r"
        )
        params = {"org": t.org, "staff": t.staff[staff], "customer": t.customers[0], "start": start, "end": end,
                  "service": optional.get("service"), "notes": optional.get("notes"),
                  "metadata": json.dumps(optional.get("metadata", {}))}
        return conn.execute(sql, params).fetchone()["r"]
    return conn.execute(BOOK, (t.org, t.staff[staff], t.customers[0], start, end)).fetchone()["r"]


def counts(conn):
    row = conn.execute(
        "SELECT (SELECT count(*) FROM appointments) AS appointments,"
        " (SELECT count(*) FROM appointment_audit_log) AS audit"
    ).fetchone()
    return row["appointments"], row["audit"]


def test_book_a_free_slot_stores_it_and_audits_it(world):
    with session(world.dsn) as conn:
        r = book(conn, world.a, at(0), at(60))
        assert r["success"] is True and r["status"] == "booked"
        row = conn.execute("SELECT * FROM appointments WHERE id = %s", (r["appointment_id"],)).fetchone()
        assert (row["org_id"], row["staff_id"], row["start_time"], row["end_time"]) == (
            world.a.org, world.a.staff[0], at(0), at(60))
        audit = conn.execute("SELECT action, new_values FROM appointment_audit_log WHERE appointment_id = %s",
                             (r["appointment_id"],)).fetchall()
        assert [a["action"] for a in audit] == ["booked"]
        assert audit[0]["new_values"]["staff_id"] == world.a.staff[0]


def test_conflict_lists_the_overlapping_appointments_and_writes_nothing(world):
    with session(world.dsn) as conn:
        first = book(conn, world.a, at(0), at(60))
        second = book(conn, world.a, at(60), at(90))  # '[)': touching is not overlapping
        assert second["success"] is True
        before = counts(conn)
        r = book(conn, world.a, at(30), at(75))  # a different start time, overlapping both
        assert r["success"] is False and r["error_code"] == "slot_conflict"
        assert [c["appointment_id"] for c in r["conflicts"]] == [first["appointment_id"], second["appointment_id"]]
        assert world.a.staff[0] in r["message"]
        assert counts(conn) == before
        # another staff member of the same org is free at that time
        assert book(conn, world.a, at(30), at(75), staff=1)["success"] is True


def test_optional_fields_are_stored(world):
    with session(world.dsn) as conn:
        r = book(conn, world.a, at(0), at(30), service=world.a.service, notes="window seat",
                 metadata={"source": "web", "tags": ["vip"]})
        row = conn.execute("SELECT service_id, notes, metadata, created_by FROM appointments WHERE id = %s",
                           (r["appointment_id"],)).fetchone()
        assert row == {"service_id": world.a.service, "notes": "window seat",
                       "metadata": {"source": "web", "tags": ["vip"]}, "created_by": "postgres"}


def test_a_booking_holds_its_staff_members_row_and_no_advisory_lock(world):
    """The calendar's lock is the staff member's row (FOR NO KEY UPDATE): a second booking of the
    same staff member waits for it, one of another staff member does not."""
    with psycopg.connect(world.dsn) as first:
        r = first.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s)",
                          (world.a.org, world.a.staff[0], world.a.customers[0], at(0), at(30))).fetchone()[0]
        assert r["success"] and "lock_key" not in r
        assert first.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()[0] == 0
        with session(world.dsn) as other:
            other.execute("SET lock_timeout = '200ms'")
            assert book(other, world.a, at(0), at(30), staff=1)["success"]  # another calendar: no wait
            with pytest.raises(psycopg.errors.LockNotAvailable):
                book(other, world.a, at(60), at(90))  # the same calendar: waits for the first
        first.rollback()


def test_availability_true_then_false_then_true_after_cancel(world):
    avail = "SELECT public.check_slot_availability(%s, %s, %s, %s) AS free"
    with session(world.dsn) as conn:
        args = (world.a.org, world.a.staff[0], at(10), at(20))
        assert conn.execute(avail, args).fetchone()["free"] is True
        r = book(conn, world.a, at(0), at(30))
        assert conn.execute(avail, args).fetchone()["free"] is False
        excluded = "SELECT public.check_slot_availability(%s, %s, %s, %s, %s) AS free"
        assert conn.execute(excluded, (*args, r["appointment_id"])).fetchone()["free"] is True
        conn.execute("SELECT public.cancel_appointment(%s, %s)", (world.a.org, r["appointment_id"]))
        assert conn.execute(avail, args).fetchone()["free"] is True


def test_cancel_is_a_soft_delete_with_audit_and_twice_is_an_outcome(world):
    cancel = "SELECT public.cancel_appointment(%s, %s, %s) AS r"
    with session(world.dsn) as conn:
        appt = book(conn, world.a, at(0), at(30))["appointment_id"]
        r = conn.execute(cancel, (world.a.org, appt, "customer ill")).fetchone()["r"]
        assert r["success"] is True and r["status"] == "cancelled"
        row = conn.execute("SELECT status, cancelled_at, cancelled_by, cancellation_reason FROM appointments"
                           " WHERE id = %s", (appt,)).fetchone()
        assert row["status"] == "cancelled" and row["cancelled_at"] is not None
        assert (row["cancelled_by"], row["cancellation_reason"]) == ("postgres", "customer ill")
        again = conn.execute(cancel, (world.a.org, appt, None)).fetchone()["r"]
        assert (again["success"], again["error_code"]) == (False, "already_cancelled")
        actions = conn.execute("SELECT action, reason FROM appointment_audit_log WHERE appointment_id = %s"
                               " ORDER BY id", (appt,)).fetchall()
        assert actions == [{"action": "booked", "reason": None}, {"action": "cancelled", "reason": "customer ill"}]
        missing = conn.execute(cancel, (world.a.org, world.a.org, None)).fetchone()["r"]
        assert missing["error_code"] == "not_found"
        # the slot is free again
        assert book(conn, world.a, at(0), at(30))["success"] is True


def test_reschedule_success_taken_and_not_found(world):
    move = "SELECT public.reschedule_appointment(%s, %s, %s, %s) AS r"
    with session(world.dsn) as conn:
        appt = book(conn, world.a, at(0), at(30))["appointment_id"]
        other = book(conn, world.a, at(60), at(90))["appointment_id"]
        # overlapping its own old slot is fine
        r = conn.execute(move, (world.a.org, appt, at(15), at(45))).fetchone()["r"]
        assert r["success"] is True and r["previous_start_time"].startswith("2026-12-01T09:00")
        taken = conn.execute(move, (world.a.org, appt, at(50), at(70))).fetchone()["r"]
        assert taken["error_code"] == "slot_conflict"
        assert [c["appointment_id"] for c in taken["conflicts"]] == [other]
        # the old slot was kept
        row = conn.execute("SELECT start_time, end_time FROM appointments WHERE id = %s", (appt,)).fetchone()
        assert (row["start_time"], row["end_time"]) == (at(15), at(45))
        missing = conn.execute(move, (world.a.org, world.b.org, at(0), at(10))).fetchone()["r"]
        assert missing["error_code"] == "not_found"
        conn.execute("SELECT public.cancel_appointment(%s, %s)", (world.a.org, other))
        cancelled = conn.execute(move, (world.a.org, other, at(200), at(210))).fetchone()["r"]
        assert cancelled["error_code"] == "not_reschedulable"
        audit = conn.execute("SELECT old_values, new_values FROM appointment_audit_log"
                             " WHERE appointment_id = %s AND action = 'rescheduled'", (appt,)).fetchall()
        assert len(audit) == 1
        assert audit[0]["old_values"]["start_time"].startswith("2026-12-01T09:00")
        assert audit[0]["new_values"]["start_time"].startswith("2026-12-01T09:15")


BAD_BOOKINGS = [
    # (description, argument overrides, SQLSTATE, message fragment)
    ("NULL org", {"org": None}, "22004", "argument p_org_id must not be NULL"),
    ("NULL staff", {"staff": None}, "22004", "argument p_staff_id must not be NULL"),
    ("NULL customer", {"customer": None}, "22004", "argument p_customer_id must not be NULL"),
    ("NULL start", {"start": None}, "22004", "argument p_start_time must not be NULL"),
    ("end before start", {"end": at(-30)}, "22023", "must be after start time"),
    ("zero length", {"end": at(0)}, "22023", "must be after start time"),
    ("absurd length", {"end": at(60 * 25)}, "22023", "longer than the maximum of 24:00:00"),
    ("metadata array", {"metadata": "[1, 2]"}, "22023", "p_metadata must be a JSON object, got array"),
    ("unknown org", {"org": "00000000-0000-0000-0000-000000000000"}, "23503", "unknown org_id"),
    ("unknown staff", {"staff": "00000000-0000-0000-0000-000000000000"}, "23503", "unknown or inactive staff member"),
    ("unknown customer", {"customer": "00000000-0000-0000-0000-000000000000"}, "23503", "unknown customer"),
    ("unknown service", {"service": "00000000-0000-0000-0000-000000000000"}, "23503", "unknown or inactive service"),
]


@pytest.mark.parametrize("case", BAD_BOOKINGS, ids=[c[0] for c in BAD_BOOKINGS])
def test_bad_input_raises_a_documented_sqlstate_and_writes_nothing(world, case):
    _, overrides, sqlstate, fragment = case
    args = {"org": world.a.org, "staff": world.a.staff[0], "customer": world.a.customers[0],
            "start": at(0), "end": at(30), "service": None, "metadata": "{}"}
    args.update(overrides)
    sql = ("SELECT public.book_appointment_with_lock(%(org)s, %(staff)s, %(customer)s, %(start)s, %(end)s,"
           " %(service)s, NULL, %(metadata)s::jsonb)")
    with session(world.dsn) as conn:
        before = counts(conn)
        with pytest.raises(psycopg.Error) as err:
            conn.execute(sql, args)
        assert err.value.sqlstate == sqlstate
        assert fragment in str(err.value)
        assert counts(conn) == before


def test_staff_member_of_another_org_is_unknown(world):
    with session(world.dsn) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation, match="unknown or inactive staff"):
        conn.execute(BOOK, (world.a.org, world.b.staff[0], world.a.customers[0], at(0), at(30)))


def test_max_booking_duration_is_the_owners_setting_and_no_caller_can_lift_it(world):
    with session(world.dsn, "authenticated", world.a.org) as conn:
        # a custom setting any session can SET used to be the limit: it no longer is
        conn.execute("SET pgsuite.max_booking_duration = '48 hours'")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="maximum of 24:00:00"):
            book(conn, world.a, at(0), at(60 * 30))
    with session(world.dsn, "service_role") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE app_private.booking_settings SET max_booking_duration = '48 hours'")
    with session(world.dsn) as conn:  # the owner changes it
        conn.execute("UPDATE app_private.booking_settings SET max_booking_duration = '2 hours'")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="maximum of 02:00:00"):
            book(conn, world.a, at(0), at(180))
        conn.execute("UPDATE app_private.booking_settings SET max_booking_duration = '48 hours'")
        assert book(conn, world.a, at(0), at(60 * 30))["success"] is True
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE app_private.booking_settings SET max_booking_duration = '0'")


def test_the_table_itself_refuses_what_the_functions_refuse(world):
    insert = ("INSERT INTO appointments (org_id, staff_id, customer_id, start_time, end_time, status, metadata)"
              " VALUES (%s, %s, %s, %s, %s, %s, %s)")
    a = world.a
    with session(world.dsn) as conn:
        conn.execute(insert, (a.org, a.staff[0], a.customers[0], at(0), at(30), "booked", "{}"))
        cases = [
            ((a.org, a.staff[0], a.customers[0], at(10), at(40), "booked", "{}"), psycopg.errors.ExclusionViolation),
            ((a.org, a.staff[0], a.customers[0], at(30), at(0), "booked", "{}"), psycopg.errors.CheckViolation),
            ((a.org, a.staff[1], a.customers[0], at(0), at(30), "maybe", "{}"), psycopg.errors.CheckViolation),
            ((a.org, a.staff[1], a.customers[0], at(0), at(30), "booked", "[]"), psycopg.errors.CheckViolation),
            ((a.org, world.b.staff[0], a.customers[0], at(0), at(30), "booked", "{}"),
             psycopg.errors.ForeignKeyViolation),
        ]
        for args, error in cases:
            with pytest.raises(error):
                conn.execute(insert, args)
        # a cancelled appointment does not hold its slot
        conn.execute("UPDATE appointments SET status = 'cancelled', cancelled_at = now()")
        conn.execute(insert, (a.org, a.staff[0], a.customers[0], at(10), at(40), "booked", "{}"))


def test_conflict_check_and_availability_use_the_exclusion_index(world):
    with session(world.dsn) as conn:
        for i in range(200):
            book(conn, world.a, at(i * 30), at(i * 30 + 30), staff=i % 4)
        conn.execute("ANALYZE appointments")
        plan = conn.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM public.appointments a WHERE a.org_id = %s AND a.staff_id = %s"
            " AND a.status <> 'cancelled'"
            " AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(%s, %s, '[)')",
            (world.a.org, world.a.staff[0], at(0), at(30)),
        ).fetchone()
        assert "appointments_no_overlap" in json.dumps(plan)
