"""Each webhook metric is served by its index, for one org and for every org: the plans the
functions really run (auto_explain of their nested statements), asserted by shape, never by time.
(The times are `pgsuite bench metrics`' business.)

The data: 100,000 deliveries over 20 orgs, mostly completed as in production; one org has no
failure at all, the case where a scan of every org's failures looked cheap to the planner."""

import json

import psycopg
import pytest
from conftest import ADMIN_DSN
from owners import create_database, database_dsn, drop_database, owner_name

ORGS = 20
QUIET_ORG = f"00000000-0000-0000-0000-{ORGS:012d}"  # no failed or dead-lettered delivery
BUSY_ORG = "00000000-0000-0000-0000-000000000011"
ORGANIZATIONS = """
INSERT INTO public.organizations (id, name)
SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'org ' || g FROM generate_series(1, %(orgs)s) g
"""
DELIVERIES = """
INSERT INTO public.webhook_delivery_log (org_id, event_type, event_id, received_at, status, attempts,
                                         last_attempt_at, completed_at, error_message, job_id, created_at)
SELECT ('00000000-0000-0000-0000-' || lpad((g %% %(orgs)s + 1)::text, 12, '0'))::uuid,
       (ARRAY['booking.created', 'booking.cancelled', 'payment.succeeded'])[g %% 3 + 1], 'evt_' || g, t, s,
       CASE WHEN s = 'pending' THEN 0 ELSE 1 + g %% 5 END,
       CASE WHEN s <> 'pending' THEN t + interval '2 seconds' END,
       CASE WHEN s = 'completed' THEN t + (g %% 1000) * interval '1 ms' END,
       CASE WHEN s IN ('failed', 'dead_letter') THEN 'HTTP 500' END, 'job_' || g, t
FROM (SELECT g, now() - g * interval '10 seconds' AS t,
             CASE WHEN g %% %(orgs)s = %(orgs)s - 1 THEN 'completed'  -- the quiet org
                  WHEN g %% 200 < 180 THEN 'completed' WHEN g %% 200 < 190 THEN 'dead_letter'
                  WHEN g %% 200 < 196 THEN 'failed' WHEN g %% 200 < 199 THEN 'pending' ELSE 'processing' END AS s
      FROM generate_series(1, %(rows)s) g) AS x
"""
METRICS = {
    "webhook_queue_health": "SELECT * FROM public.webhook_queue_health(%s)",
    "webhook_delivery_stats": "SELECT * FROM public.webhook_delivery_stats(%s)",
    "webhook_recent_failures": "SELECT * FROM public.webhook_recent_failures(%s)",
    "webhook_dead_letter_queue": "SELECT * FROM public.webhook_dead_letter_queue(%s)",
}


@pytest.fixture(scope="module")
def plans_db(owner_templates):
    """One database for the module, deployed by the server's superuser (auto_explain needs LOAD):
    filling and analysing it is the slow part."""
    owner = owner_name("postgres", ADMIN_DSN)
    name = create_database(ADMIN_DSN, owner, template=owner_templates("postgres"))
    dsn = database_dsn(ADMIN_DSN, name, owner)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ORGANIZATIONS, {"orgs": ORGS})
        conn.execute(DELIVERIES, {"orgs": ORGS, "rows": 100_000})
        conn.execute("VACUUM ANALYZE public.webhook_delivery_log")
    yield dsn
    drop_database(ADMIN_DSN, name)


def scans(dsn: str, sql: str, org) -> set[tuple[str, str]]:
    """(node type, index) of every scan of webhook_delivery_log in the plans the call ran."""
    logged: list[str] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.add_notice_handler(lambda diag: logged.append(diag.message_primary or ""))
        for setting in ("auto_explain.log_min_duration = 0", "auto_explain.log_nested_statements = on",
                        "auto_explain.log_format = json", "client_min_messages = log"):
            conn.execute(f"SET {setting}")
        conn.execute("LOAD 'auto_explain'")
        conn.execute(sql, (org,)).fetchall()
    found = set()
    for message in logged:
        if "plan:" in message:
            _walk(json.loads(message.split("plan:", 1)[1])["Plan"], found)
    return found


def _walk(node: dict, found: set) -> None:
    if node.get("Relation Name") == "webhook_delivery_log":
        found.add((node["Node Type"], node.get("Index Name", "")))
    for child in node.get("Plans", []):
        _walk(child, found)


@pytest.mark.parametrize("org", [BUSY_ORG, QUIET_ORG], ids=["busy org", "org without failures"])
@pytest.mark.parametrize("metric,index,node", [
    ("webhook_queue_health", "idx_webhook_delivery_log_active", "Index Only Scan"),
    ("webhook_delivery_stats", "idx_webhook_delivery_log_org_created", "Index Only Scan"),
    ("webhook_recent_failures", "idx_webhook_delivery_log_org_failed", "Index Scan"),
    ("webhook_dead_letter_queue", "idx_webhook_delivery_log_org_failed", "Index Scan"),
])
def test_for_one_org_each_metric_reads_only_its_index_range(plans_db, metric, index, node, org):
    assert scans(plans_db, METRICS[metric], org) == {(node, index)}


@pytest.mark.parametrize("metric,index", [
    ("webhook_queue_health", "idx_webhook_delivery_log_active"),
    ("webhook_recent_failures", "idx_webhook_delivery_log_status"),
    ("webhook_dead_letter_queue", "idx_webhook_delivery_log_status"),
])
def test_for_every_org_the_queue_and_failures_come_from_an_index_too(plans_db, metric, index):
    assert {i for _, i in scans(plans_db, METRICS[metric], None)} == {index}
