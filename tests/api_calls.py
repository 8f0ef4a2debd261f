"""Every function the schema grants to an API role, called as that role would call it.

CALLS maps each granted function (schema.name(argument types)) to its grantees and to a
`prepare(ctx)` that sets up what the call needs, as the owner, and returns the call's SQL, its
parameters and a check of its result. Tests compare CALLS with the catalog's grants, so a new
grant without a call here fails.
"""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from tenants import World, claims, session

T0 = datetime(2031, 3, 3, 8, 0, tzinfo=timezone.utc)
GRANTED_FUNCTIONS = """
SELECT n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS function,
       array_agg(DISTINCT r.rolname::text ORDER BY r.rolname::text) AS grantees
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
CROSS JOIN LATERAL aclexplode(p.proacl) AS a
JOIN pg_roles AS r ON r.oid = a.grantee
WHERE n.nspname IN ('public', 'app_private') AND a.privilege_type = 'EXECUTE'
  AND r.rolname IN ('anon', 'authenticated', 'service_role')
GROUP BY 1
ORDER BY 1
"""


@dataclass
class Context:
    """A world of two tenants; calls act on tenant a. Each prepare gets fresh slots and events."""

    world: World
    counter: itertools.count = field(default_factory=itertools.count)

    @property
    def org(self) -> str:
        return self.world.a.org

    def slot(self) -> tuple[datetime, datetime]:
        start = T0 + timedelta(hours=next(self.counter))
        return start, start + timedelta(minutes=30)

    def owner(self, sql: str, params=()):
        with session(self.world.dsn) as conn:
            return conn.execute(sql, params).fetchone()["r"]

    def booking(self) -> str:
        start, end = self.slot()
        a = self.world.a
        return self.owner("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) ->> 'appointment_id' AS r",
                          (a.org, a.staff[0], a.customers[0], start, end))

    def delivery(self, job: str | None = None) -> str:
        return self.owner("SELECT public.record_webhook_received(%s, 'booking.created', %s, %s) AS r",
                          (self.org, f"evt-{next(self.counter)}", job))

    def claimed(self) -> tuple[str, int]:
        d = self.delivery()
        return d, self.owner("SELECT public.mark_webhook_processing(%s, %s) AS r", (self.org, d))


def _book(ctx):
    start, end = ctx.slot()
    a = ctx.world.a
    return ("SELECT public.book_appointment_with_lock(%s, %s, %s, %s, %s) AS r",
            (a.org, a.staff[1], a.customers[0], start, end), lambda r: r["success"] is True)


def _availability(ctx):
    start, end = ctx.slot()
    return ("SELECT public.check_slot_availability(%s, %s, %s, %s) AS r", (ctx.org, ctx.world.a.staff[2], start, end),
            lambda r: r is True)


def _cancel(ctx):
    return ("SELECT public.cancel_appointment(%s, %s) AS r", (ctx.org, ctx.booking()), lambda r: r["success"] is True)


def _reschedule(ctx):
    appointment = ctx.booking()
    start, end = ctx.slot()
    return ("SELECT public.reschedule_appointment(%s, %s, %s, %s) AS r", (ctx.org, appointment, start, end),
            lambda r: r["success"] is True)


def _record(ctx):
    return ("SELECT public.record_webhook_received(%s, 'booking.created', %s) AS r", (ctx.org, f"evt-{next(ctx.counter)}"),
            lambda r: r is not None)


def _processing(ctx):
    return ("SELECT public.mark_webhook_processing(%s, %s) AS r", (ctx.org, ctx.delivery()), lambda r: r == 1)


def _completed(ctx):
    d, token = ctx.claimed()
    return ("SELECT public.mark_webhook_completed(%s, %s, %s) AS r", (ctx.org, d, token), lambda r: r in ("", None))  # void


def _failed(ctx):
    d, token = ctx.claimed()
    return ("SELECT public.mark_webhook_failed(%s, %s, %s, 'HTTP 503') AS r", (ctx.org, d, token),
            lambda r: r == "failed")


def _retry(ctx):
    job = f"job-{next(ctx.counter)}"
    d = ctx.delivery(job)
    token = ctx.owner("SELECT public.mark_webhook_processing(%s, %s) AS r", (ctx.org, d))
    ctx.owner("SELECT public.mark_webhook_failed(%s, %s, %s, 'boom') AS r", (ctx.org, d, token))
    return "SELECT public.retry_failed_webhook(%s) AS r", (job,), lambda r: r["retried"] == 1


def _metric(name, check):
    """The metric's rows for tenant a, as one jsonb array (empty when there are none)."""
    def prepare(ctx):
        ctx.claimed()
        return (f"SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(m)), '[]'::pg_catalog.jsonb) AS r"
                f" FROM public.{name}(%s) AS m", (ctx.org,),
                lambda rows: check(rows, ctx))
    return prepare


def _cleanup(ctx):
    return "SELECT public.cleanup_old_webhook_logs() AS r", (), lambda r: r == 0


def _cleanup_batch(ctx):
    # the cutoff is a value: an expression would be the caller's own, which the attack test captures
    cutoff = datetime.now(timezone.utc) - timedelta(days=30)
    return "SELECT (public.cleanup_webhook_log_batch(%s, NULL, 100)).deleted AS r", (cutoff,), lambda r: r == 0


def _cleanup_procedure(ctx):
    return "CALL public.run_webhook_log_cleanup()", (), lambda r: r == 0


def _claim_in_policies(ctx):
    ctx.booking()  # the org isolation policies call app_private.request_org_id() as the reader
    return ("SELECT pg_catalog.array_agg(DISTINCT org_id::pg_catalog.text) AS r FROM public.appointments", (),
            lambda r: r == [ctx.org])


TENANT, SERVICE = ("authenticated", "service_role"), ("service_role",)
TS = "timestamp with time zone"
CALLS = {
    f"public.book_appointment_with_lock(uuid, uuid, uuid, {TS}, {TS}, uuid, text, jsonb)": (TENANT, _book),
    f"public.check_slot_availability(uuid, uuid, {TS}, {TS}, uuid)": (TENANT, _availability),
    "public.cancel_appointment(uuid, uuid, text)": (TENANT, _cancel),
    f"public.reschedule_appointment(uuid, uuid, {TS}, {TS}, text)": (TENANT, _reschedule),
    "public.record_webhook_received(uuid, text, text, text)": (SERVICE, _record),
    "public.mark_webhook_processing(uuid, uuid)": (SERVICE, _processing),
    "public.mark_webhook_completed(uuid, uuid, integer)": (SERVICE, _completed),
    "public.mark_webhook_failed(uuid, uuid, integer, text)": (SERVICE, _failed),
    "public.retry_failed_webhook(text)": (SERVICE, _retry),
    "public.webhook_queue_health(uuid, interval)": (TENANT, _metric(
        "webhook_queue_health", lambda rows, ctx: [r["status"] for r in rows][1] == "processing"
        and rows[1]["deliveries"] >= 1)),
    "public.webhook_delivery_stats(uuid, interval)": (TENANT, _metric(
        "webhook_delivery_stats", lambda rows, ctx: rows[0]["in_flight"] >= 1)),
    "public.webhook_recent_failures(uuid, integer)": (TENANT, _metric(
        "webhook_recent_failures", lambda rows, ctx: all(r["org_id"] == ctx.org for r in rows))),
    "public.webhook_dead_letter_queue(uuid, integer)": (TENANT, _metric(
        "webhook_dead_letter_queue", lambda rows, ctx: all(r["org_id"] == ctx.org for r in rows))),
    "public.cleanup_old_webhook_logs(interval, integer)": (SERVICE, _cleanup),
    "public.cleanup_webhook_log_batch(timestamp with time zone, timestamp with time zone, integer, interval)": (
        SERVICE, _cleanup_batch),
    "public.run_webhook_log_cleanup(interval, integer, bigint, interval)": (SERVICE, _cleanup_procedure),
    "app_private.request_org_id()": (("authenticated",), _claim_in_policies),
    # inlined into request_org_id() (the claims mode) and called by it in signed mode
    # (tests/test_signed_claims.py calls it there)
    "app_private.claims_mode()": (("authenticated",), _claim_in_policies),
    "app_private.verified_claims()": (("authenticated",), _claim_in_policies),
}
PAIRS = [(function, role) for function, (roles, _) in CALLS.items() for role in roles]


def call_as(ctx: Context, function: str, role: str, conn=None) -> tuple[object, list[str]]:
    """Prepare and make one call as `role` with tenant a's claim; (its result, the notices seen).
    `conn`: an open connection of the authenticator to make it on (its temporary objects stay),
    else a new session. The result is the first column of the first row. The calls' own SQL
    names everything with its schema: an attacker's session may have any search_path."""
    sql, params, check = CALLS[function][1](ctx)
    if conn is None:
        with session(ctx.world.dsn, role, ctx.org) as own:
            return _call(own, function, role, sql, params, check)
    conn.execute(f"SET ROLE {role}")
    conn.execute("SELECT pg_catalog.set_config('request.jwt.claims', %s, false)", (claims(ctx.org),))
    try:
        return _call(conn, function, role, sql, params, check)
    finally:
        conn.execute("RESET ROLE")


def _call(conn, function, role, sql, params, check):
    notices: list[str] = []

    def collect(diag):
        notices.append(diag.message_primary or "")

    conn.add_notice_handler(collect)
    try:
        cur = conn.execute(sql, params)
        row = cur.fetchone() if cur.description else None
    finally:
        conn.remove_notice_handler(collect)
    result = None if row is None else next(iter(row.values()))
    assert check(result), f"{function} as {role}: unexpected result {result!r}"
    return result, notices
