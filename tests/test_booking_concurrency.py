"""Many connections booking, rescheduling and cancelling at once: never an overlap.

16 connections hammer three staff members of one org with random, overlapping windows
(different start times and lengths), at each isolation level a caller might use. A
serialization failure (40001) is the client's cue to retry and counts as neither a success
nor a conflict; any other error fails the test.
"""

import random
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from psycopg import IsolationLevel
from psycopg.types.string import TextLoader

CONNECTIONS = 16
ATTEMPTS_PER_CONNECTION = 150
STAFF = 3
T0 = datetime(2027, 1, 4, 8, 0, tzinfo=timezone.utc)
LEVELS = [IsolationLevel.READ_COMMITTED, IsolationLevel.REPEATABLE_READ, IsolationLevel.SERIALIZABLE]

OVERLAPS = """
SELECT count(*) FROM appointments a JOIN appointments b
  ON a.org_id = b.org_id AND a.staff_id = b.staff_id AND a.id < b.id
 AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(b.start_time, b.end_time, '[)')
WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
"""


def random_window(rng: random.Random):
    start = T0 + timedelta(minutes=5 * rng.randrange(0, 3 * 12 * 12))  # three 12-hour days, 5-minute grid
    return start, start + timedelta(minutes=rng.choice([10, 15, 25, 30, 45, 60, 90, 120]))


def connect(dsn, level):
    conn = psycopg.connect(dsn, autocommit=False)
    conn.isolation_level = level
    conn.adapters.register_loader("uuid", TextLoader)
    return conn


def run_workers(worker, dsn, level):
    """Run `worker(conn, rng, log)` on CONNECTIONS connections at once; return their logs."""
    logs = [[] for _ in range(CONNECTIONS)]
    errors = []
    barrier = threading.Barrier(CONNECTIONS)

    def body(n):
        rng = random.Random(1000 * LEVELS.index(level) + n)
        try:
            with connect(dsn, level) as conn:
                barrier.wait()
                worker(conn, rng, logs[n])
        except Exception as exc:  # surfaced below with its type
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(n,)) for n in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    return [entry for log in logs for entry in log]


def call(conn, sql, params, log, kind, **extra):
    """One call in its own transaction; 40001 rolls back and is logged as a retry."""
    try:
        with conn.transaction():
            result = conn.execute(sql, params).fetchone()[0]
    except psycopg.errors.SerializationFailure:
        log.append({"kind": kind, "outcome": "retry", **extra})
        return None
    log.append({"kind": kind, "outcome": "ok" if result is True or (isinstance(result, dict) and result["success"])
                else (result or {}).get("error_code"), "result": result, **extra})
    return result


def active_rows(dsn):
    with psycopg.connect(dsn) as conn:
        conn.adapters.register_loader("uuid", TextLoader)
        rows = conn.execute("SELECT id, staff_id, start_time, end_time, status FROM appointments").fetchall()
    return {r[0]: r for r in rows}


def windows_from_audit(dsn):
    """Every window each appointment ever had ({id: {(start, end)}}) and its staff member."""
    windows, staff = {}, {}
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT l.appointment_id::text, l.new_values, a.staff_id::text FROM appointment_audit_log l"
            " JOIN appointments a ON a.org_id = l.org_id AND a.id = l.appointment_id"
            " WHERE l.action IN ('booked', 'rescheduled')").fetchall()
    for appt, new, staff_id in rows:
        windows.setdefault(appt, set()).add(
            (datetime.fromisoformat(new["start_time"]), datetime.fromisoformat(new["end_time"])))
        staff[appt] = staff_id
    return windows, staff


def assert_conflicts_are_real(entries, dsn, staff_of):
    """Each conflict names an appointment of that staff member that, at some point, overlapped."""
    windows, staff = windows_from_audit(dsn)
    checked = Counter()
    for e in entries:
        if e["outcome"] != "slot_conflict":
            continue
        for c in e["result"]["conflicts"]:
            checked["by id" if c["appointment_id"] else "by constraint"] += 1
            if c["appointment_id"] is not None:
                assert staff[c["appointment_id"]] == staff_of(e)
                candidates = windows[c["appointment_id"]]
            else:  # seen through the exclusion constraint: its range identifies the row
                window = (datetime.fromisoformat(c["start_time"]), datetime.fromisoformat(c["end_time"]))
                candidates = {window}
                assert any(window in w for a, w in windows.items() if staff[a] == staff_of(e)), c
            assert any(s < e["end"] and e["start"] < f for s, f in candidates), (e, candidates)
    return dict(checked)


@pytest.mark.parametrize("level", LEVELS, ids=lambda lv: lv.name)
def test_concurrent_bookings_never_overlap(world, level):
    org, customer, staff = world.a.org, world.a.customers[0], world.a.staff[:STAFF]
    sql = "SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s)"

    def worker(conn, rng, log):
        for _ in range(ATTEMPTS_PER_CONNECTION):
            s = rng.choice(staff)
            start, end = random_window(rng)
            call(conn, sql, (org, s, customer, start, end), log, "book", staff=s, start=start, end=end)

    entries = run_workers(worker, world.dsn, level)
    outcomes = Counter(e["outcome"] for e in entries)
    rows = active_rows(world.dsn)
    with psycopg.connect(world.dsn) as conn:
        assert conn.execute(OVERLAPS).fetchone()[0] == 0
    successes = {e["result"]["appointment_id"] for e in entries if e["outcome"] == "ok"}
    assert successes == set(rows)  # every success is in the table, and nothing else is
    assert set(outcomes) <= {"ok", "slot_conflict", "retry"}
    assert outcomes["ok"] > 50 and outcomes["slot_conflict"] > 50
    named = assert_conflicts_are_real(entries, world.dsn, staff_of=lambda e: e["staff"])
    print(f"\n{level.name}: {len(entries)} attempts, {dict(outcomes)}, conflicting appointments named {named}, overlaps 0")


@pytest.mark.parametrize("level", LEVELS, ids=lambda lv: lv.name)
def test_concurrent_reschedules_and_cancellations_never_overlap(world, level):
    org, customer, staff = world.a.org, world.a.customers[0], world.a.staff[:STAFF]
    seeded = []
    with psycopg.connect(world.dsn, autocommit=True) as conn:
        conn.adapters.register_loader("uuid", TextLoader)
        for i in range(60):  # back to back, so that most moves collide with a neighbour
            s = staff[i % STAFF]
            start = T0 + timedelta(minutes=30 * (i // STAFF))
            r = conn.execute("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s)",
                             (org, s, customer, start, start + timedelta(minutes=30))).fetchone()[0]
            seeded.append((r["appointment_id"], s))
    staff_of_appt = dict(seeded)
    move = "SELECT public.reschedule_appointment(%s, %s, %s, %s)"
    cancel = "SELECT public.cancel_appointment(%s, %s)"

    def worker(conn, rng, log):
        for _ in range(ATTEMPTS_PER_CONNECTION // 3):
            appt, _ = rng.choice(seeded)
            if rng.random() < 0.05:
                call(conn, cancel, (org, appt), log, "cancel", appt=appt)
            else:
                start, end = random_window(rng)
                call(conn, move, (org, appt, start, end), log, "move", appt=appt, start=start, end=end)

    entries = run_workers(worker, world.dsn, level)
    outcomes = Counter((e["kind"], e["outcome"]) for e in entries)
    rows = active_rows(world.dsn)
    with psycopg.connect(world.dsn) as conn:
        assert conn.execute(OVERLAPS).fetchone()[0] == 0
        audit = conn.execute(
            "SELECT appointment_id::text, action, new_values FROM appointment_audit_log ORDER BY id").fetchall()
    assert {o for _, o in outcomes} <= {"ok", "slot_conflict", "retry", "already_cancelled", "not_reschedulable"}
    assert outcomes[("move", "ok")] > 10 and outcomes[("move", "slot_conflict")] > 10
    # every appointment is where its last successful move put it, and cancelled exactly once if at all
    last_move = {}
    cancels = Counter()
    for appt, action, new in audit:
        if action == "rescheduled":
            last_move[appt] = new
        elif action == "cancelled":
            cancels[appt] += 1
    for appt, _ in seeded:
        row = rows[appt]
        if appt in last_move:
            assert row[2] == datetime.fromisoformat(last_move[appt]["start_time"])
            assert row[3] == datetime.fromisoformat(last_move[appt]["end_time"])
        assert cancels[appt] == (1 if row[4] == "cancelled" else 0)
    named = assert_conflicts_are_real(
        [e for e in entries if e["kind"] == "move"], world.dsn, staff_of=lambda e: staff_of_appt[e["appt"]]
    )
    print(f"\n{level.name}: {len(entries)} calls, {dict(outcomes)}, conflicting appointments named {named}, overlaps 0")
