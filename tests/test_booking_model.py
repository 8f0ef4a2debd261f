"""A model of the calendars against the real functions (hypothesis' stateful testing).

Random sequences of book, cancel, reschedule and availability calls, as `authenticated` with
each org's claim, over three staff members of two orgs, with staff members deactivated and
reactivated on the way. A small Python model predicts every outcome: success, slot_conflict
naming exactly the overlapping appointments ('[)' boundaries: back to back is no overlap),
not_found, already_cancelled, not_reschedulable, or the SQLSTATE (22023 for an empty window,
23503 for an inactive staff member). After every step the tables must equal the model. A
failing sequence is shrunk and printed by hypothesis.
"""

import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import psycopg
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from tenants import make_world, session

T0 = datetime(2033, 5, 2, 8, 0, tzinfo=timezone.utc)
SLOT = timedelta(minutes=15)
STEPS = settings(max_examples=60, stateful_step_count=50, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@dataclass
class Booking:
    org: str
    staff: str
    start: int  # slots from T0
    end: int
    status: str = "booked"
    moves: int = 0


def window(start: int, length: int):
    return T0 + start * SLOT, T0 + (start + length) * SLOT


class Calendars(RuleBasedStateMachine):
    dsn: str = ""
    steps = 0  # every step of every example, checked against the tables

    @initialize()
    def open_world(self):
        world = make_world(self.dsn, staff_per_org=3)
        self.tenants = {t.org: t for t in (world.a, world.b)}
        self.orgs = list(self.tenants)
        self.inactive: set[str] = set()
        self.bookings: dict[str, Booking] = {}
        self.connections = ExitStack()
        self.owner = self.connections.enter_context(psycopg.connect(self.dsn, autocommit=True))
        self.callers = {org: self.connections.enter_context(session(self.dsn, "authenticated", org))
                        for org in self.orgs}

    def teardown(self):
        if hasattr(self, "connections"):
            self.connections.close()

    # --- the model -------------------------------------------------------------------------
    def overlapping(self, org, staff, start, end, exclude=None):
        found = [(b.start, i) for i, b in self.bookings.items()
                 if b.org == org and b.staff == staff and b.status == "booked" and i != exclude
                 and b.start < end and start < b.end]
        return [i for _, i in sorted(found)]

    def call(self, org, sql, params):
        """(outcome, SQLSTATE): the function's result, or the error it raised."""
        try:
            return self.callers[org].execute(sql, params).fetchone()["r"], None
        except psycopg.Error as exc:
            return None, exc.sqlstate

    # --- the rules -------------------------------------------------------------------------
    @rule(o=st.integers(0, 1), s=st.integers(0, 2), start=st.integers(0, 40), length=st.integers(0, 8))
    def book(self, o, s, start, length):
        org = self.orgs[o]
        staff = self.tenants[org].staff[s]
        begin, end = window(start, length)
        result, error = self.call(org, "SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r",
                                  (org, staff, self.tenants[org].customers[0], begin, end))
        if length == 0:
            assert error == "22023", (result, error)
        elif staff in self.inactive:
            assert error == "23503", (result, error)
        elif conflicts := self.overlapping(org, staff, start, start + length):
            assert error is None and result["error_code"] == "slot_conflict", (result, error)
            assert [c["appointment_id"] for c in result["conflicts"]] == conflicts
        else:
            assert error is None and result["success"] is True, (result, error)
            self.bookings[result["appointment_id"]] = Booking(org, staff, start, start + length)

    def known(self):
        return list(self.bookings)  # in booking order: the same on every replay of an example

    @precondition(lambda self: self.bookings)
    @rule(data=st.data(), o=st.integers(0, 1))
    def cancel(self, data, o):
        appointment = data.draw(st.sampled_from(self.known()))
        org = self.orgs[o]
        result, error = self.call(org, "SELECT public.cancel_appointment(%s, %s) AS r", (org, appointment))
        assert error is None, error
        booking = self.bookings[appointment]
        if booking.org != org:
            assert result["error_code"] == "not_found", result
        elif booking.status == "cancelled":
            assert result["error_code"] == "already_cancelled", result
        else:
            assert result["success"] is True, result
            booking.status = "cancelled"

    @precondition(lambda self: self.bookings)
    @rule(data=st.data(), o=st.integers(0, 1), start=st.integers(0, 40), length=st.integers(0, 8))
    def reschedule(self, data, o, start, length):
        appointment = data.draw(st.sampled_from(self.known()))
        org = self.orgs[o]
        begin, end = window(start, length)
        result, error = self.call(org, "SELECT public.reschedule_appointment(%s, %s, %s, %s) AS r",
                                  (org, appointment, begin, end))
        booking = self.bookings[appointment]
        if length == 0:
            assert error == "22023", (result, error)
        elif booking.org != org:
            assert error is None and result["error_code"] == "not_found", (result, error)
        elif booking.status != "booked":
            assert error is None and result["error_code"] == "not_reschedulable", (result, error)
        elif booking.staff in self.inactive:
            assert error == "23503", (result, error)
        elif conflicts := self.overlapping(org, booking.staff, start, start + length, exclude=appointment):
            assert error is None and result["error_code"] == "slot_conflict", (result, error)
            assert [c["appointment_id"] for c in result["conflicts"]] == conflicts
        else:
            assert error is None and result["success"] is True, (result, error)
            booking.start, booking.end, booking.moves = start, start + length, booking.moves + 1

    @rule(o=st.integers(0, 1))
    def cancel_an_unknown_appointment(self, o):
        org = self.orgs[o]
        result, error = self.call(org, "SELECT public.cancel_appointment(%s, %s) AS r", (org, str(uuid.uuid4())))
        assert error is None and result["error_code"] == "not_found", (result, error)

    @rule(o=st.integers(0, 1), s=st.integers(0, 2), start=st.integers(0, 40), length=st.integers(1, 8))
    def availability(self, o, s, start, length):
        org = self.orgs[o]
        staff = self.tenants[org].staff[s]
        begin, end = window(start, length)
        result, error = self.call(org, "SELECT public.check_slot_availability(%s, %s, %s, %s) AS r",
                                  (org, staff, begin, end))
        if staff in self.inactive:
            assert error == "23503", (result, error)
        else:
            assert error is None and result is (not self.overlapping(org, staff, start, start + length))

    @rule(o=st.integers(0, 1), s=st.integers(0, 2))
    def toggle_staff_member(self, o, s):
        staff = self.tenants[self.orgs[o]].staff[s]
        active = staff in self.inactive
        self.owner.execute("UPDATE staff_members SET active = %s WHERE id = %s", (active, staff))
        (self.inactive.discard if active else self.inactive.add)(staff)

    # --- the tables agree with the model ---------------------------------------------------
    @invariant()
    def tables_match_the_model(self):
        if not hasattr(self, "owner"):
            return
        Calendars.steps += 1
        rows = self.owner.execute(
            "SELECT a.id::text, a.org_id::text, a.staff_id::text, a.start_time, a.end_time, a.status,"
            " (SELECT count(*) FROM appointment_audit_log l WHERE l.org_id = a.org_id AND l.appointment_id = a.id)"
            " FROM appointments a WHERE a.org_id = ANY(%s::uuid[])", (self.orgs,)).fetchall()
        have = {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows}
        want = {i: (b.org, b.staff, *window(b.start, b.end - b.start), b.status,
                    1 + b.moves + (b.status == "cancelled")) for i, b in self.bookings.items()}
        assert have == want


def test_the_functions_agree_with_a_model_of_the_calendars(db):
    Calendars.dsn, Calendars.steps = db, 0
    run_state_machine_as_test(Calendars, settings=STEPS)
    assert Calendars.steps >= 1000, f"only {Calendars.steps} steps were checked"
    print(f"\n{Calendars.steps} steps checked against the model")
