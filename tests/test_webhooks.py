"""The webhook delivery log: idempotent receipt, the state machine, leases and metrics."""

import threading
from datetime import timedelta

import psycopg
import pytest
from psycopg.types.string import TextLoader
from tenants import session

RECORD = "SELECT public.record_webhook_received(%s, %s, %s, %s) AS id"


def record(conn, org, event_id, job_id=None, event_type="booking.created"):
    return conn.execute(RECORD, (org, event_type, event_id, job_id)).fetchone()["id"]


def status_of(conn, delivery):
    return conn.execute("SELECT status, attempts, error_message FROM webhook_delivery_log WHERE id = %s",
                        (delivery,)).fetchone()


def step(conn, fn, org, delivery, *extra):
    placeholders = ", ".join(["%s"] * (2 + len(extra)))
    return conn.execute(f"SELECT public.{fn}({placeholders}) AS r", (org, delivery, *extra)).fetchone()["r"]


def claim(conn, org, delivery, *extra):
    """mark_webhook_processing: the claim's attempt number (its token), or None when dead-lettered."""
    return step(conn, "mark_webhook_processing", org, delivery, *extra)


def set_max_attempts(dsn, attempts: int) -> None:
    """The owner's setting (app_private.webhook_settings): workers no longer pass their own."""
    with session(dsn) as owner:
        owner.execute("UPDATE app_private.webhook_settings SET max_attempts = %s", (attempts,))


def expire_lease(conn, delivery):
    conn.execute("UPDATE webhook_delivery_log SET last_attempt_at = now() - interval '10 minutes' WHERE id = %s",
                 (delivery,))


def test_concurrent_duplicate_deliveries_make_exactly_one_row(world):
    ids, errors = [], []
    barrier = threading.Barrier(16)

    def deliver():
        try:
            with psycopg.connect(world.dsn, autocommit=True) as conn:
                conn.adapters.register_loader("uuid", TextLoader)
                barrier.wait()
                ids.append(conn.execute(RECORD, (world.a.org, "booking.created", "evt-dup", "job-1")).fetchone()[0])
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ids) == 16 and len(set(ids)) == 1
    with session(world.dsn) as conn:
        assert conn.execute("SELECT count(*) AS n FROM webhook_delivery_log WHERE event_id = 'evt-dup'").fetchone()["n"] == 1
        # the same event id in another org is another delivery
        assert record(conn, world.b.org, "evt-dup") != ids[0]


def test_happy_path_pending_processing_completed(world):
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-1", "job-1")
        assert status_of(conn, d) == {"status": "pending", "attempts": 0, "error_message": None}
        token = claim(conn, world.a.org, d)
        assert token == 1  # the claim counts the attempt and returns its number
        assert status_of(conn, d)["status"] == "processing"
        step(conn, "mark_webhook_completed", world.a.org, d, token)
        row = conn.execute("SELECT status, attempts, completed_at, last_attempt_at FROM webhook_delivery_log"
                           " WHERE id = %s", (d,)).fetchone()
        assert row["status"] == "completed" and row["attempts"] == 1 and row["completed_at"] is not None


def test_failures_dead_letter_at_max_attempts_and_retry(world):
    set_max_attempts(world.dsn, 3)
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-2", "job-2")
        seen = []
        for n in range(3):
            token = claim(conn, world.a.org, d)
            seen.append(step(conn, "mark_webhook_failed", world.a.org, d, token, f"HTTP 50{n}"))
        assert seen == ["failed", "failed", "dead_letter"]
        assert status_of(conn, d) == {"status": "dead_letter", "attempts": 3, "error_message": "HTTP 502"}
        retried = conn.execute("SELECT public.retry_failed_webhook('job-2') AS r").fetchone()["r"]
        assert retried == {"success": True, "job_id": "job-2", "retried": 1, "ids": [d]}
        # an operator's retry gives the delivery a fresh budget of attempts
        assert status_of(conn, d) == {"status": "pending", "attempts": 0, "error_message": None}
        assert claim(conn, world.a.org, d) == 1


def test_a_late_worker_cannot_finish_a_delivery_another_worker_reclaimed(world):
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-late")
        slow = claim(conn, world.a.org, d)
        expire_lease(conn, d)
        fresh = claim(conn, world.a.org, d)  # another worker reclaims it
        assert (slow, fresh) == (1, 2)
        before = status_of(conn, d)
        for fn, extra in (("mark_webhook_completed", ()), ("mark_webhook_failed", ("late error",))):
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState,
                               match="stale claim .* at attempt 2 .* holds attempt 1"):
                step(conn, fn, world.a.org, d, slow, *extra)
            assert status_of(conn, d) == before
        step(conn, "mark_webhook_completed", world.a.org, d, fresh)
        assert status_of(conn, d)["status"] == "completed"
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="stale claim"):
            step(conn, "mark_webhook_completed", world.a.org, d, slow)


def test_a_worker_that_crashes_every_time_ends_in_dead_letter(world):
    set_max_attempts(world.dsn, 3)
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-crash", "job-crash")
        tokens = []
        for _ in range(3):  # each worker claims, then dies without a word
            tokens.append(claim(conn, world.a.org, d))
            expire_lease(conn, d)
        assert tokens == [1, 2, 3]
        assert claim(conn, world.a.org, d) is None  # nothing left to process
        row = status_of(conn, d)
        assert (row["status"], row["attempts"]) == ("dead_letter", 3)
        assert row["error_message"] == "attempt 3: lease expired, no outcome reported"
        dlq = conn.execute("SELECT id FROM public.webhook_dead_letter_queue(%s)", (world.a.org,)).fetchall()
        assert dlq == [{"id": d}]


@pytest.mark.parametrize("lease", ["0", "-1 minute"])
def test_queue_healths_lease_must_be_positive(world, lease):
    with session(world.dsn, "service_role") as conn:
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_lease must be positive"):
            conn.execute("SELECT * FROM public.webhook_queue_health(NULL, %s)", (lease,))


def test_the_lease_and_the_maximum_are_the_owners_not_the_workers(world):
    """A worker could steal a delivery claimed 10 ms earlier by passing a lease of a microsecond,
    and claim a 6th time by passing a higher maximum: both are the owner's settings now."""
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-steal")
        assert claim(conn, world.a.org, d) == 1
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("SELECT public.mark_webhook_processing(%s, %s, '1 microsecond', 50)", (world.a.org, d))
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="processing -> processing"):
            claim(conn, world.a.org, d)  # another worker, 10 ms later: the lease holds
        for _ in range(4):  # the default maximum is 5 attempts
            expire_lease(conn, d)
            claim(conn, world.a.org, d)
        expire_lease(conn, d)
        assert claim(conn, world.a.org, d) is None and status_of(conn, d)["status"] == "dead_letter"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE app_private.webhook_settings SET max_attempts = 50")


ILLEGAL = [
    # (how far the delivery gets first, the transition attempted, SQLSTATE, message)
    (["completed"], ("mark_webhook_processing",), "55000", "illegal webhook transition completed -> processing"),
    ([], ("mark_webhook_completed", 1), "55000", "stale claim .* at attempt 0 \\(pending\\)"),
    (["claimed"], ("mark_webhook_processing",), "55000", "processing -> processing"),  # lease not expired
    (["completed"], ("mark_webhook_failed", 1, "late"), "55000", "completed -> failed"),
    (["failed"], ("mark_webhook_completed", 1), "55000", "illegal webhook transition failed -> completed"),
]


@pytest.mark.parametrize("path,attempt,sqlstate,message", ILLEGAL, ids=[i[3] for i in ILLEGAL])
def test_illegal_transitions_raise_and_change_nothing(world, path, attempt, sqlstate, message):
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-3", "job-3")
        for target in path:
            token = claim(conn, world.a.org, d)
            if target == "completed":
                step(conn, "mark_webhook_completed", world.a.org, d, token)
            elif target == "failed":
                step(conn, "mark_webhook_failed", world.a.org, d, token, "boom")
        before = status_of(conn, d)
        with pytest.raises(psycopg.Error, match=message) as err:
            step(conn, attempt[0], world.a.org, d, *attempt[1:])
        assert err.value.sqlstate == sqlstate
        assert status_of(conn, d) == before


def test_unknown_ids_and_jobs(world):
    with session(world.dsn, "service_role") as conn:
        d = record(conn, world.a.org, "evt-4", "job-4")
        with pytest.raises(psycopg.errors.NoDataFound, match="not found in org"):
            step(conn, "mark_webhook_processing", world.a.org, world.a.org)
        with pytest.raises(psycopg.errors.NoDataFound, match="not found in org"):
            step(conn, "mark_webhook_processing", world.b.org, d)  # exists, but in org A
        with pytest.raises(psycopg.errors.NoDataFound, match="no webhook delivery has job id nope"):
            conn.execute("SELECT public.retry_failed_webhook('nope')")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="pending -> pending"):
            conn.execute("SELECT public.retry_failed_webhook('job-4')")


def test_an_expired_lease_shows_in_queue_health_and_can_be_reclaimed(world):
    with session(world.dsn) as conn:
        d = record(conn, world.a.org, "evt-5")
        claim(conn, world.a.org, d)
        expire_lease(conn, d)
        health = {r["status"]: r for r in conn.execute("SELECT * FROM public.webhook_queue_health(%s)", (world.a.org,))}
        assert health["processing"]["deliveries"] == 1 and health["processing"]["stuck_processing"] == 1
        assert [r for r in health] == ["pending", "processing", "failed"]  # the active statuses, always all three
        assert claim(conn, world.a.org, d) == 2  # reclaimed by another worker: a second attempt
        row = conn.execute("SELECT status, last_attempt_at > now() - interval '1 minute' AS fresh"
                           " FROM webhook_delivery_log WHERE id = %s", (d,)).fetchone()
        assert row == {"status": "processing", "fresh": True}


def test_delivery_stats_recent_failures_and_dead_letter_queue(world):
    org = world.a.org
    with session(world.dsn) as conn:
        latencies = {"e1": 100, "e2": 200, "e3": 300}
        for event, ms in latencies.items():
            d = record(conn, org, event)
            step(conn, "mark_webhook_completed", org, d, claim(conn, org, d))
            conn.execute("UPDATE webhook_delivery_log SET completed_at = received_at + %s WHERE id = %s",
                         (timedelta(milliseconds=ms), d))
        conn.execute("UPDATE app_private.webhook_settings SET max_attempts = 2")
        dead = record(conn, org, "e4", "job-dead")
        for _ in range(2):
            step(conn, "mark_webhook_failed", org, dead, claim(conn, org, dead), "timeout")
        failing = record(conn, org, "e5", event_type="customer.updated")
        step(conn, "mark_webhook_failed", org, failing, claim(conn, org, failing), "HTTP 500")
        record(conn, org, "e6", event_type="customer.updated")

        stats = {r["event_type"]: r for r in conn.execute("SELECT * FROM public.webhook_delivery_stats(%s)", (org,))}
        booking = stats["booking.created"]
        assert (booking["total"], booking["completed"], booking["dead_letter"], booking["in_flight"]) == (4, 3, 1, 0)
        assert float(booking["success_rate"]) == 0.75
        assert float(booking["mean_attempts"]) == 1.25  # (1 + 1 + 1 + 2) / 4
        assert float(booking["p50_latency_ms"]) == 200.0
        assert float(booking["p95_latency_ms"]) == pytest.approx(290.0)
        customer = stats["customer.updated"]
        assert (customer["total"], customer["failed"], customer["in_flight"], customer["success_rate"]) == (2, 1, 1, None)

        failures = conn.execute("SELECT id, status, error_message FROM public.webhook_recent_failures(%s)", (org,)).fetchall()
        assert {(f["id"], f["status"], f["error_message"]) for f in failures} == {
            (dead, "dead_letter", "timeout"), (failing, "failed", "HTTP 500")}
        dlq = conn.execute("SELECT id, attempts, job_id FROM public.webhook_dead_letter_queue(%s)", (org,)).fetchall()
        assert dlq == [{"id": dead, "attempts": 2, "job_id": "job-dead"}]


BAD_INPUTS = [
    ("SELECT public.record_webhook_received(NULL, 'x', 'e')", "22004", "argument p_org_id must not be NULL"),
    ("SELECT public.record_webhook_received(%(org)s, 'x', NULL)", "22004", "argument p_event_id must not be NULL"),
    ("SELECT public.record_webhook_received(%(org)s, ' ', 'e')", "22023", "must not be empty"),
    ("SELECT public.record_webhook_received('00000000-0000-0000-0000-000000000000', 'x', 'e')", "23503",
     "unknown org_id"),
    ("SELECT public.record_webhook_received(%(org)s, 'x', repeat('e', 201))", "22001",
     "argument p_event_id is 201 characters long; at most 200 are kept"),
    ("SELECT public.record_webhook_received(%(org)s, repeat('t', 201), 'e')", "22001", "argument p_event_type is 201"),
    ("SELECT public.record_webhook_received(%(org)s, 'x', 'e', repeat('j', 201))", "22001", "argument p_job_id is 201"),
    ("SELECT public.mark_webhook_processing(%(org)s, NULL)", "22004", "argument p_id must not be NULL"),
    ("SELECT public.mark_webhook_completed(%(org)s, %(org)s, NULL)", "22004", "argument p_attempt must not be NULL"),
    ("SELECT * FROM public.webhook_delivery_stats(NULL, '-1 hour')", "22023", "p_since must be a positive interval"),
    ("SELECT * FROM public.webhook_recent_failures(%(org)s, 0)", "22023", "p_limit must be between 1 and 10000"),
    ("SELECT * FROM public.webhook_dead_letter_queue(NULL, 100001)", "22023", "p_limit must be between 1 and 10000"),
    ("SELECT public.retry_failed_webhook(NULL)", "22004", "argument p_job_id must not be NULL"),
]


@pytest.mark.parametrize("sql,sqlstate,message", BAD_INPUTS, ids=[b[2] for b in BAD_INPUTS])
def test_bad_webhook_input_raises_and_writes_nothing(world, sql, sqlstate, message):
    with session(world.dsn) as conn:
        with pytest.raises(psycopg.Error, match=message) as err:
            conn.execute(sql, {"org": world.a.org})
        assert err.value.sqlstate == sqlstate
        assert conn.execute("SELECT count(*) AS n FROM webhook_delivery_log").fetchone()["n"] == 0
