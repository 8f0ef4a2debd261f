-- Delivery metrics, the reference report's metrics endpoints as SQL functions. Each is served
-- by an index for one org (migration 0007); plan_cache_mode = force_custom_plan makes every call
-- plan with its own org and window, so "every org" and "this org" each get their index.
-- SECURITY DEFINER, so that they can use the private helpers; like every definer function they
-- decide the org themselves (app_private.authorize_org): a tenant sees its own org only, and
-- asking for another org raises 42501 instead of returning nothing. p_org_id NULL means every
-- org for service_role, the caller's own org for a tenant.

CREATE OR REPLACE FUNCTION app_private.require_metrics_limit(p_limit integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 10000 THEN
        RAISE EXCEPTION 'argument p_limit must be between 1 and 10000, got %', p_limit USING ERRCODE = '22023';
    END IF;
END
$$;

-- The queue's active part, per status (pending, processing, failed; always these three rows, in
-- that order): how many deliveries, the oldest receipt, and how many processing deliveries'
-- lease (from last_attempt_at) has expired so they can be reclaimed. Finished deliveries
-- (completed, dead_letter) are most of the table: their counts are in webhook_delivery_stats()
-- (per window) and webhook_dead_letter_queue(). Served by idx_webhook_delivery_log_active.
-- p_lease: the lease to judge by; NULL (the default), the one claims use
-- (app_private.webhook_settings.lease).
-- Raises 22023 for a lease that is not positive, 42501 another org.
CREATE OR REPLACE FUNCTION public.webhook_queue_health(
    p_org_id uuid DEFAULT NULL,
    p_lease interval DEFAULT NULL
)
RETURNS TABLE (status text, deliveries bigint, oldest_received_at timestamptz, stuck_processing bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_org_id uuid := app_private.authorize_org(p_org_id);
    v_lease interval := coalesce(p_lease, (SELECT s.lease FROM app_private.webhook_settings AS s));
BEGIN
    IF v_lease <= interval '0' THEN
        RAISE EXCEPTION 'argument p_lease must be positive, got %', p_lease USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT s.name,
           count(w.status),
           min(w.received_at),
           count(w.status) FILTER (WHERE w.last_attempt_at < now() - v_lease
                                     AND w.status = 'processing')
    FROM unnest(ARRAY['pending', 'processing', 'failed']) WITH ORDINALITY AS s(name, position)
    LEFT JOIN public.webhook_delivery_log AS w
           ON w.status = s.name
          AND w.status IN ('pending', 'processing', 'failed')  -- the partial index's predicate
          AND (v_org_id IS NULL OR w.org_id = v_org_id)
    GROUP BY s.name, s.position
    ORDER BY s.position;
END
$$;

-- Per event type over the deliveries created in the last p_since: totals per outcome,
-- success rate among settled deliveries (completed / (completed + dead_letter)), mean
-- attempts of settled deliveries, and receipt-to-completion latency percentiles in ms.
CREATE OR REPLACE FUNCTION public.webhook_delivery_stats(
    p_org_id uuid DEFAULT NULL,
    p_since interval DEFAULT interval '24 hours'
)
RETURNS TABLE (
    event_type text, total bigint, completed bigint, failed bigint, dead_letter bigint, in_flight bigint,
    success_rate numeric, mean_attempts numeric,
    p50_latency_ms numeric, p95_latency_ms numeric, p99_latency_ms numeric
)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_org_id uuid := app_private.authorize_org(p_org_id);
    v_since timestamptz;
BEGIN
    IF p_since IS NULL OR p_since <= interval '0' THEN
        RAISE EXCEPTION 'argument p_since must be a positive interval, got %', p_since USING ERRCODE = '22023';
    END IF;
    -- a value, not now() - p_since in the query: the planner then knows how many rows the
    -- window holds and takes (org_id, created_at) for one org
    v_since := now() - p_since;
    RETURN QUERY
    WITH recent AS (
        SELECT w.event_type, w.status, w.attempts,
               extract(epoch FROM w.completed_at - w.received_at) * 1000 AS latency_ms
        FROM public.webhook_delivery_log AS w
        WHERE w.created_at >= v_since
          AND (v_org_id IS NULL OR w.org_id = v_org_id)
    )
    SELECT r.event_type,
           count(*),
           count(*) FILTER (WHERE r.status = 'completed'),
           count(*) FILTER (WHERE r.status = 'failed'),
           count(*) FILTER (WHERE r.status = 'dead_letter'),
           count(*) FILTER (WHERE r.status IN ('pending', 'processing')),
           round(count(*) FILTER (WHERE r.status = 'completed')::numeric
                 / nullif(count(*) FILTER (WHERE r.status IN ('completed', 'dead_letter')), 0), 4),
           round(avg(r.attempts) FILTER (WHERE r.status IN ('completed', 'dead_letter')), 2),
           round((percentile_cont(0.50) WITHIN GROUP (ORDER BY r.latency_ms))::numeric, 1),
           round((percentile_cont(0.95) WITHIN GROUP (ORDER BY r.latency_ms))::numeric, 1),
           round((percentile_cont(0.99) WITHIN GROUP (ORDER BY r.latency_ms))::numeric, 1)
    FROM recent AS r
    GROUP BY r.event_type
    ORDER BY r.event_type;
END
$$;

-- The latest failed and dead-lettered deliveries, newest attempt first.
CREATE OR REPLACE FUNCTION public.webhook_recent_failures(
    p_org_id uuid DEFAULT NULL,
    p_limit integer DEFAULT 50
)
RETURNS TABLE (
    id uuid, org_id uuid, event_type text, event_id text, job_id text, status text,
    attempts integer, error_message text, last_attempt_at timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_org_id uuid := app_private.authorize_org(p_org_id);
BEGIN
    PERFORM app_private.require_metrics_limit(p_limit);
    -- newest per status, then the newest of both: each part is one ordered index range
    -- (idx_webhook_delivery_log_org_failed for one org, idx_webhook_delivery_log_status for all)
    RETURN QUERY
    SELECT f.id, f.org_id, f.event_type, f.event_id, f.job_id, f.status, f.attempts,
           f.error_message, f.last_attempt_at
    FROM ((SELECT w.* FROM public.webhook_delivery_log AS w
           WHERE w.status = 'failed' AND (v_org_id IS NULL OR w.org_id = v_org_id)
           ORDER BY w.last_attempt_at DESC LIMIT p_limit)
          UNION ALL
          (SELECT w.* FROM public.webhook_delivery_log AS w
           WHERE w.status = 'dead_letter' AND (v_org_id IS NULL OR w.org_id = v_org_id)
           ORDER BY w.last_attempt_at DESC LIMIT p_limit)) AS f
    ORDER BY f.last_attempt_at DESC
    LIMIT p_limit;
END
$$;

-- Deliveries that gave up (dead_letter), newest first: what an operator may retry.
CREATE OR REPLACE FUNCTION public.webhook_dead_letter_queue(
    p_org_id uuid DEFAULT NULL,
    p_limit integer DEFAULT 100
)
RETURNS TABLE (
    id uuid, org_id uuid, event_type text, event_id text, job_id text, attempts integer,
    error_message text, received_at timestamptz, last_attempt_at timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_org_id uuid := app_private.authorize_org(p_org_id);
BEGIN
    PERFORM app_private.require_metrics_limit(p_limit);
    RETURN QUERY
    SELECT w.id, w.org_id, w.event_type, w.event_id, w.job_id, w.attempts, w.error_message,
           w.received_at, w.last_attempt_at
    FROM public.webhook_delivery_log AS w
    WHERE w.status = 'dead_letter'
      AND (v_org_id IS NULL OR w.org_id = v_org_id)
    ORDER BY w.last_attempt_at DESC
    LIMIT p_limit;
END
$$;

REVOKE ALL ON FUNCTION app_private.require_metrics_limit(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.webhook_queue_health(uuid, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.webhook_delivery_stats(uuid, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.webhook_recent_failures(uuid, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.webhook_dead_letter_queue(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.webhook_queue_health(uuid, interval) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.webhook_delivery_stats(uuid, interval) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.webhook_recent_failures(uuid, integer) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.webhook_dead_letter_queue(uuid, integer) TO authenticated, service_role;
