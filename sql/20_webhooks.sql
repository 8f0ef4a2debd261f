-- The webhook delivery state machine. Every transition is one guarded UPDATE
-- (... WHERE status IN (legal sources) RETURNING); when it matches nothing the function
-- says why: P0002 unknown delivery, 55000 illegal transition (with from -> to) or stale claim.
--
--   pending | failed -> processing (a claim: attempts + 1) -> completed
--                                                          -> failed       (attempts < max)
--                                                          -> dead_letter  (attempts = max)
--   processing, lease expired -> processing (reclaimed: attempts + 1), or dead_letter at max
--   failed | dead_letter -> pending                                        (retry_failed_webhook)
--
-- A claim returns its attempt number, the fencing token: completing or failing needs it, so a
-- worker whose lease expired and whose delivery another worker reclaimed cannot finish it.
-- A worker that crashes on every attempt still counts an attempt per claim, so its delivery
-- reaches dead_letter after the maximum. The maximum and the lease are the owner's settings
-- (app_private.webhook_settings), never a caller's: a worker passing its own could claim a 6th
-- time, or call a delivery another worker holds "expired" a microsecond after its claim.

-- Explains why a guarded transition matched no row. p_attempt: the caller's claim token.
CREATE OR REPLACE FUNCTION app_private.raise_webhook_transition_error(
    p_org_id uuid, p_id uuid, p_target text, p_attempt integer DEFAULT NULL
)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_status text;
    v_attempts integer;
BEGIN
    SELECT status, attempts INTO v_status, v_attempts
    FROM public.webhook_delivery_log WHERE org_id = p_org_id AND id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'webhook delivery % not found in org %', p_id, p_org_id USING ERRCODE = 'P0002';
    END IF;
    IF p_attempt IS DISTINCT FROM v_attempts AND p_attempt IS NOT NULL THEN
        RAISE EXCEPTION 'stale claim of webhook delivery %: it is at attempt % (%), this call holds attempt %',
            p_id, v_attempts, v_status, p_attempt
            USING ERRCODE = '55000';
    END IF;
    RAISE EXCEPTION 'illegal webhook transition % -> % for delivery %', v_status, p_target, p_id
        USING ERRCODE = '55000';
END
$$;

-- Idempotent receipt: the same (org, event_id) twice yields one row and the same id.
-- Raises 22004 NULL argument, 22023 empty event type, 22001 an event type, event id or job id
-- over 200 characters, 42501 another org, 23503 unknown org.
CREATE OR REPLACE FUNCTION public.record_webhook_received(
    p_org_id uuid,
    p_event_type text,
    p_event_id text,
    p_job_id text DEFAULT NULL
)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id uuid;
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object(
        'p_org_id', p_org_id, 'p_event_type', p_event_type, 'p_event_id', p_event_id));
    IF btrim(p_event_type) = '' OR btrim(p_event_id) = '' THEN
        RAISE EXCEPTION 'arguments p_event_type and p_event_id must not be empty' USING ERRCODE = '22023';
    END IF;
    PERFORM app_private.require_length('p_event_type', p_event_type, 200);
    PERFORM app_private.require_length('p_event_id', p_event_id, 200);
    PERFORM app_private.require_length('p_job_id', p_job_id, 200);
    PERFORM app_private.authorize_org(p_org_id);
    IF NOT EXISTS (SELECT 1 FROM public.organizations WHERE id = p_org_id) THEN
        RAISE EXCEPTION 'unknown org_id %', p_org_id USING ERRCODE = '23503';
    END IF;

    -- A concurrent duplicate waits on the unique index, then does nothing.
    INSERT INTO public.webhook_delivery_log (org_id, event_type, event_id, job_id, received_at, status)
    VALUES (p_org_id, p_event_type, p_event_id, p_job_id, now(), 'pending')
    ON CONFLICT (org_id, event_id) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT id INTO v_id FROM public.webhook_delivery_log WHERE org_id = p_org_id AND event_id = p_event_id;
    END IF;
    IF v_id IS NULL THEN
        -- REPEATABLE READ: the first delivery committed after this snapshot; retry it.
        RAISE EXCEPTION 'webhook event % of org % was recorded concurrently; retry the transaction',
            p_event_id, p_org_id USING ERRCODE = '40001';
    END IF;
    RETURN v_id;
END
$$;

-- Claims a delivery: pending | failed -> processing, or a processing one whose lease (from
-- last_attempt_at; app_private.webhook_settings.lease) has expired: its worker is presumed
-- dead. The claim counts an attempt and returns its number, the token that
-- mark_webhook_completed / mark_webhook_failed require. A delivery that already used the
-- maximum of attempts (webhook_settings.max_attempts) goes to dead_letter instead, and NULL
-- comes back: nothing to process.
-- Raises 22004 NULL argument, 42501 another org, P0002 unknown delivery, 55000 not claimable
-- (with from -> to).
CREATE OR REPLACE FUNCTION public.mark_webhook_processing(p_org_id uuid, p_id uuid)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_status text;
    v_attempt integer;
    v_max integer;
    v_lease interval;
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object('p_org_id', p_org_id, 'p_id', p_id));
    PERFORM app_private.authorize_org(p_org_id);
    SELECT s.max_attempts, s.lease INTO v_max, v_lease FROM app_private.webhook_settings AS s;
    UPDATE public.webhook_delivery_log AS w
    SET status = CASE WHEN w.attempts >= v_max THEN 'dead_letter' ELSE 'processing' END,
        attempts = CASE WHEN w.attempts >= v_max THEN w.attempts ELSE w.attempts + 1 END,
        last_attempt_at = CASE WHEN w.attempts >= v_max THEN w.last_attempt_at ELSE now() END,
        error_message = CASE WHEN w.attempts >= v_max AND w.status = 'processing'
                             THEN format('attempt %s: lease expired, no outcome reported', w.attempts)
                             ELSE w.error_message END
    WHERE w.org_id = p_org_id AND w.id = p_id
      AND (w.status IN ('pending', 'failed')
           OR (w.status = 'processing' AND w.last_attempt_at < now() - v_lease))
    RETURNING w.status, w.attempts INTO v_status, v_attempt;
    IF NOT FOUND THEN
        PERFORM app_private.raise_webhook_transition_error(p_org_id, p_id, 'processing');
    END IF;
    RETURN CASE WHEN v_status = 'processing' THEN v_attempt END;
END
$$;

-- processing -> completed, for the worker holding the current claim (p_attempt).
-- Raises 22004, 42501, P0002, 55000 (not processing, or a stale claim).
CREATE OR REPLACE FUNCTION public.mark_webhook_completed(p_org_id uuid, p_id uuid, p_attempt integer)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object(
        'p_org_id', p_org_id, 'p_id', p_id, 'p_attempt', p_attempt));
    PERFORM app_private.authorize_org(p_org_id);
    UPDATE public.webhook_delivery_log
    SET status = 'completed', completed_at = now()
    WHERE org_id = p_org_id AND id = p_id AND status = 'processing' AND attempts = p_attempt;
    IF NOT FOUND THEN
        PERFORM app_private.raise_webhook_transition_error(p_org_id, p_id, 'completed', p_attempt);
    END IF;
END
$$;

-- processing -> failed, or dead_letter once the claims reached the maximum of attempts
-- (webhook_settings.max_attempts), for the worker holding the current claim (p_attempt).
-- Returns the new status; keeps the last error, its first 4000 characters when longer.
-- Raises 22004, 42501, P0002, 55000 (not processing, or a stale claim).
CREATE OR REPLACE FUNCTION public.mark_webhook_failed(
    p_org_id uuid,
    p_id uuid,
    p_attempt integer,
    p_error text
)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_status text;
    v_max integer;
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object(
        'p_org_id', p_org_id, 'p_id', p_id, 'p_attempt', p_attempt));
    PERFORM app_private.authorize_org(p_org_id);
    SELECT s.max_attempts INTO v_max FROM app_private.webhook_settings AS s;
    UPDATE public.webhook_delivery_log
    SET error_message = CASE WHEN char_length(p_error) > 4000 THEN left(p_error, 3984) || ' ... (truncated)'
                             ELSE p_error END,
        status = CASE WHEN attempts >= v_max THEN 'dead_letter' ELSE 'failed' END
    WHERE org_id = p_org_id AND id = p_id AND status = 'processing' AND attempts = p_attempt
    RETURNING status INTO v_status;
    IF NOT FOUND THEN
        PERFORM app_private.raise_webhook_transition_error(p_org_id, p_id, 'failed', p_attempt);
    END IF;
    RETURN v_status;
END
$$;

-- failed | dead_letter -> pending for every delivery of the job, with a fresh budget of
-- attempts (an operator's retry). Returns {"success": true, "job_id", "retried": n, "ids": [...]}.
-- Raises P0002 when no delivery has that job id, 55000 when none of them is failed or
-- dead_letter, 42501 for another org.
CREATE OR REPLACE FUNCTION public.retry_failed_webhook(p_job_id text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_org_id uuid;
    v_ids jsonb;
    v_statuses text;
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object('p_job_id', p_job_id));
    FOR v_org_id IN SELECT DISTINCT org_id FROM public.webhook_delivery_log WHERE job_id = p_job_id LOOP
        PERFORM app_private.authorize_org(v_org_id);
    END LOOP;

    WITH retried AS (
        UPDATE public.webhook_delivery_log
        SET status = 'pending', error_message = NULL, attempts = 0
        WHERE job_id = p_job_id AND status IN ('failed', 'dead_letter')
        RETURNING id
    )
    SELECT jsonb_agg(id ORDER BY id) INTO v_ids FROM retried;
    IF v_ids IS NULL THEN
        SELECT string_agg(DISTINCT status, ', ') INTO v_statuses
        FROM public.webhook_delivery_log WHERE job_id = p_job_id;
        IF v_statuses IS NULL THEN
            RAISE EXCEPTION 'no webhook delivery has job id %', p_job_id USING ERRCODE = 'P0002';
        END IF;
        RAISE EXCEPTION 'illegal webhook transition % -> pending for job %: only failed and dead_letter deliveries are retried',
            v_statuses, p_job_id USING ERRCODE = '55000';
    END IF;
    RETURN jsonb_build_object('success', true, 'job_id', p_job_id,
                              'retried', jsonb_array_length(v_ids), 'ids', v_ids);
END
$$;

REVOKE ALL ON FUNCTION app_private.raise_webhook_transition_error(uuid, uuid, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.record_webhook_received(uuid, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.mark_webhook_processing(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.mark_webhook_completed(uuid, uuid, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.mark_webhook_failed(uuid, uuid, integer, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.retry_failed_webhook(text) FROM PUBLIC;
-- The queue workers and the metrics API run as service_role; tenants do not move deliveries.
GRANT EXECUTE ON FUNCTION public.record_webhook_received(uuid, text, text, text) TO service_role;
GRANT EXECUTE ON FUNCTION public.mark_webhook_processing(uuid, uuid) TO service_role;
GRANT EXECUTE ON FUNCTION public.mark_webhook_completed(uuid, uuid, integer) TO service_role;
GRANT EXECUTE ON FUNCTION public.mark_webhook_failed(uuid, uuid, integer, text) TO service_role;
GRANT EXECUTE ON FUNCTION public.retry_failed_webhook(text) TO service_role;
