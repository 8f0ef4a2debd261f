"""Retention: only eligible rows go, in committed batches, without blocking writers."""

import json
import threading
import time

import psycopg
import pytest
from tenants import session

SEED = """
INSERT INTO webhook_delivery_log (org_id, event_type, event_id, received_at, status, attempts,
                                  last_attempt_at, completed_at, created_at)
SELECT %(org)s, 'booking.created', %(prefix)s || g, now() - %(age)s::interval, %(status)s, 1,
       now() - %(age)s::interval,
       CASE WHEN %(status)s = 'completed' THEN now() - %(age)s::interval END,
       now() - %(age)s::interval
FROM generate_series(1, %(n)s) AS g
"""


def seed(conn, org, status, age, n, prefix=None):
    conn.execute(SEED, {"org": org, "status": status, "age": age, "n": n, "prefix": prefix or f"{status}-{age}-"})


def remaining(conn):
    return {(r["status"], r["old"]): r["n"] for r in conn.execute(
        "SELECT status, created_at < now() - interval '30 days' AS old, count(*) AS n"
        " FROM webhook_delivery_log GROUP BY 1, 2")}


def test_only_completed_and_dead_letter_rows_past_retention_go(world):
    with session(world.dsn) as conn:
        for status in ("pending", "processing", "completed", "failed", "dead_letter"):
            seed(conn, world.a.org, status, "40 days", 3)
            seed(conn, world.a.org, status, "5 days", 3)
        deleted = conn.execute("SELECT public.cleanup_old_webhook_logs() AS n").fetchone()["n"]
        assert deleted == 6
        assert remaining(conn) == {
            ("pending", True): 3, ("processing", True): 3, ("failed", True): 3,
            **{(s, False): 3 for s in ("pending", "processing", "completed", "failed", "dead_letter")},
        }
        assert conn.execute("SELECT public.cleanup_old_webhook_logs(interval '1 day') AS n").fetchone()["n"] == 6


def test_one_call_deletes_one_bounded_batch(world):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "completed", "40 days", 25)
        assert [conn.execute("SELECT public.cleanup_old_webhook_logs(p_batch_size => 10) AS n").fetchone()["n"]
                for _ in range(4)] == [10, 10, 5, 0]


def test_a_row_a_worker_holds_is_skipped(world):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "dead_letter", "40 days", 2, prefix="held-")
    with psycopg.connect(world.dsn) as worker:  # holds one row, in an open transaction
        worker.execute("SELECT 1 FROM webhook_delivery_log WHERE event_id = 'held-1' FOR UPDATE")
        with session(world.dsn) as conn:
            assert conn.execute("SELECT public.cleanup_old_webhook_logs() AS n").fetchone()["n"] == 1
        worker.rollback()
    with session(world.dsn) as conn:
        assert conn.execute("SELECT public.cleanup_old_webhook_logs() AS n").fetchone()["n"] == 1


def test_each_batch_starts_where_the_last_one_ended(world):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "completed", "50 days", 3, prefix="older-")
        seed(conn, world.a.org, "completed", "40 days", 3, prefix="newer-")
        first = conn.execute("SELECT * FROM public.cleanup_webhook_log_batch(now() - interval '30 days', NULL, 3)"
                             ).fetchone()
        assert first["deleted"] == 3
        assert conn.execute("SELECT count(*) AS n FROM webhook_delivery_log WHERE event_id LIKE 'older-%%'"
                            ).fetchone()["n"] == 0  # oldest first
        seed(conn, world.a.org, "completed", "60 days", 2, prefix="late-")  # older than p_after: not this pass's
        second = conn.execute("SELECT * FROM public.cleanup_webhook_log_batch(now() - interval '30 days', %s, 10)",
                              (first["last_created_at"],)).fetchone()
        assert second["deleted"] == 3 and second["last_created_at"] > first["last_created_at"]
        assert {r["event_id"][:5] for r in conn.execute("SELECT event_id FROM webhook_delivery_log")} == {"late-"}


@pytest.mark.parametrize("call,error,message", [
    ("cleanup_webhook_log_batch(NULL, NULL, 10)", psycopg.errors.NullValueNotAllowed, "p_cutoff and p_batch_size"),
    ("cleanup_webhook_log_batch(now(), NULL, 10)", psycopg.errors.InvalidParameterValue, "at least 1 hour ago"),
    ("cleanup_webhook_log_batch(now() - interval '30 days', NULL, 100001)", psycopg.errors.InvalidParameterValue,
     "between 1 and 100000"),
])
def test_bad_batch_arguments_raise_and_delete_nothing(world, call, error, message):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "completed", "400 days", 2)
        with pytest.raises(error, match=message):
            conn.execute(f"SELECT * FROM public.{call}")
        assert conn.execute("SELECT count(*) AS n FROM webhook_delivery_log").fetchone()["n"] == 2


@pytest.mark.parametrize("budget", ["interval '0'", "NULL"])
def test_the_procedure_refuses_a_budget_that_is_not_positive(world, budget):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "completed", "400 days", 2)
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_batch_budget must be positive"):
            conn.execute(f"CALL public.run_webhook_log_cleanup(p_batch_budget => {budget})")
        assert conn.execute("SELECT count(*) AS n FROM webhook_delivery_log").fetchone()["n"] == 2


@pytest.mark.parametrize("args,message", [
    ("interval '1 minute'", "p_retention must be at least 1 hour"),
    ("p_batch_size => 0", "p_batch_size must be between 1 and 100000"),
    ("NULL", "p_retention must be at least 1 hour"),
])
def test_bad_cleanup_arguments_raise_22023_and_delete_nothing(world, args, message):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "completed", "400 days", 2)
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
            conn.execute(f"SELECT public.cleanup_old_webhook_logs({args})")
        assert conn.execute("SELECT count(*) AS n FROM webhook_delivery_log").fetchone()["n"] == 2


def test_cleanup_uses_the_retention_index(world):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "pending", "1 day", 5000)
        seed(conn, world.a.org, "completed", "40 days", 50)
        conn.execute("ANALYZE webhook_delivery_log")
        plan = conn.execute(
            "EXPLAIN (FORMAT JSON) SELECT org_id, id FROM public.webhook_delivery_log"
            " WHERE status IN ('completed', 'dead_letter') AND created_at < now() - interval '30 days'"
            " AND created_at >= '-infinity' ORDER BY created_at LIMIT 5000 FOR UPDATE SKIP LOCKED").fetchone()
        assert "idx_webhook_delivery_log_retention" in json.dumps(plan)


def test_200k_rows_go_in_committed_batches_while_inserts_keep_flowing(world):
    with session(world.dsn) as conn:
        seed(conn, world.a.org, "completed", "60 days", 150_000, prefix="c")
        seed(conn, world.a.org, "dead_letter", "45 days", 40_000, prefix="d")
        seed(conn, world.a.org, "completed", "2 days", 10_000, prefix="recent")
        conn.execute("VACUUM ANALYZE webhook_delivery_log")

    done = threading.Event()
    waits, counts, errors = [], [], []

    def writer():  # a webhook receiver recording new events throughout
        try:
            with session(world.dsn, "service_role") as conn:
                n = 0
                while not done.is_set():
                    n += 1
                    started = time.perf_counter()
                    conn.execute("SELECT public.record_webhook_received(%s, 'booking.created', %s)",
                                 (world.a.org, f"live-{n}"))
                    waits.append(time.perf_counter() - started)
        except Exception as exc:
            errors.append(exc)

    def observer():  # sees the table shrink batch by batch: each batch commits
        with psycopg.connect(world.dsn, autocommit=True) as conn:
            while not done.is_set():
                counts.append(conn.execute("SELECT count(*) FROM webhook_delivery_log WHERE event_id NOT LIKE 'live-%%'")
                              .fetchone()[0])
                time.sleep(0.01)

    threads = [threading.Thread(target=writer), threading.Thread(target=observer)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    with session(world.dsn, "service_role") as conn:
        # a small budget per batch: many commits to observe (the default, 100 ms, makes a few big ones)
        deleted = conn.execute("CALL public.run_webhook_log_cleanup(p_batch_size => 5000,"
                               " p_batch_budget => interval '20 ms')").fetchone()["p_deleted"]
    cleanup_seconds = time.perf_counter() - started
    done.set()
    for t in threads:
        t.join()

    assert not errors
    assert deleted == 190_000
    with session(world.dsn) as conn:
        left = conn.execute("SELECT count(*) AS n FROM webhook_delivery_log WHERE event_id NOT LIKE 'live-%%'").fetchone()
    assert left["n"] == 10_000
    intermediate = {c for c in counts if 10_000 < c < 200_000}
    assert len(intermediate) >= 3, counts  # the deletes became visible in several commits
    longest = max(waits)
    assert len(waits) > 10 and longest < cleanup_seconds / 3  # never blocked for the whole run
    print(f"\ncleanup: {deleted} rows in {cleanup_seconds:.2f} s; {len(waits)} concurrent inserts, "
          f"longest wait {longest * 1000:.1f} ms; {len(intermediate)} intermediate counts seen")
