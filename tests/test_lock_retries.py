"""Safe application: a transactional migration waits for its locks at most --ddl-lock-timeout
at a time and retries, so queries never pile up behind it for longer; it names who blocked it
when it gives up; a CREATE INDEX CONCURRENTLY migration completes while the migration lock is
held and writers keep writing. Real blocker and writer sessions, real timing of events (not of
speed): what finished before what."""

import threading
import time

import psycopg
from helpers import pgsuite, query

HEADER = "-- depends: 0006_validate_audit_log_org_fkey\n"


def add_migration(project, name, text, rollback="SELECT 1;\n"):
    (project.migrations_dir / f"{name}.sql").write_text(text)
    (project.migrations_dir / f"{name}.rollback.sql").write_text(rollback)


class Blocker(threading.Thread):
    """A session that reads `table` in an open transaction (ACCESS SHARE) for `seconds`."""

    def __init__(self, dsn, table, seconds):
        super().__init__(daemon=True)
        self.dsn, self.table, self.seconds = dsn, table, seconds
        self.holding, self.released_at = threading.Event(), None

    def run(self):
        with psycopg.connect(self.dsn, application_name="pgsuite-test-blocker") as conn:
            conn.execute(f"SELECT count(*) FROM {self.table}")
            self.holding.set()
            time.sleep(self.seconds)
            self.released_at = time.monotonic()
            conn.rollback()


def test_a_blocked_migration_retries_and_readers_never_queue_behind_it_for_long(db, project_copy):
    add_migration(project_copy, "0010_nickname", HEADER + "ALTER TABLE public.customers ADD COLUMN nickname text;\n")
    blocker = Blocker(db, "public.customers", 3.0)
    blocker.start()
    assert blocker.holding.wait(10)
    reader_done = {}

    def reader():  # starts once the migration waits; with a 60 s lock_timeout it would wait ~3 s
        time.sleep(1.0)
        with psycopg.connect(db) as conn:
            conn.execute("SELECT count(*) FROM public.customers")
        reader_done["at"] = time.monotonic()

    reading = threading.Thread(target=reader, daemon=True)
    reading.start()
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db,
                  "--ddl-lock-timeout", "200ms", "--lock-retries", "10")
    blocker.join()
    reading.join(10)
    assert out.returncode == 0, out.stderr
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' "
                     "AND column_name = 'nickname'") == [(1,)]
    assert reader_done["at"] < blocker.released_at  # it did not queue behind the waiting ALTER


def test_a_migration_that_gives_up_names_the_blocker_and_applies_nothing(db, project_copy):
    add_migration(project_copy, "0010_nickname", HEADER + "ALTER TABLE public.customers ADD COLUMN nickname text;\n")
    blocker = Blocker(db, "public.customers", 4.0)
    blocker.start()
    assert blocker.holding.wait(10)
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db,
                  "--ddl-lock-timeout", "200ms", "--lock-retries", "1")
    blocker.join()
    assert out.returncode == 1, out.stderr
    first = out.stderr.splitlines()[0]
    assert "failed and was rolled back: canceling statement due to lock timeout [55P03]" in first
    assert "gave up after 2 attempt(s), each with lock_timeout 200ms" in out.stderr
    assert "public.customers: AccessShareLock held by pid" in out.stderr and "pgsuite-test-blocker" in out.stderr
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = '0010_nickname'") == [(0,)]
    assert query(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' "
                     "AND column_name = 'nickname'") == [(0,)]


def test_create_index_concurrently_completes_while_writers_write(db, project_copy):
    query(db, "INSERT INTO organizations (name) SELECT 'org ' || g FROM generate_series(1, 300000) g")
    add_migration(project_copy, "0010_org_name_index",
                  "-- transactional: false\n" + HEADER
                  + "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_organizations_name ON public.organizations (name);\n",
                  "-- transactional: false\nDROP INDEX CONCURRENTLY IF EXISTS public.idx_organizations_name;\n")
    writes, stop = [], threading.Event()

    def writer():
        with psycopg.connect(db, autocommit=True) as conn:
            while not stop.is_set():
                conn.execute("INSERT INTO organizations (name) VALUES ('written meanwhile')")
                writes.append(time.monotonic())

    writing = threading.Thread(target=writer, daemon=True)
    writing.start()
    started = time.monotonic()
    out = pgsuite("--project", str(project_copy.root), "migrate", "apply", "--dsn", db)
    finished = time.monotonic()
    stop.set()
    writing.join(10)
    assert out.returncode == 0, out.stderr
    assert query(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.idx_organizations_name'::regclass") \
        == [(True,)]
    during = [t for t in writes if started < t < finished]
    assert len(during) > 10, "writers were blocked while the index was built"
    assert query(db, "SELECT count(*) FROM _yoyo_migration WHERE migration_id = '0010_org_name_index'") == [(1,)]
