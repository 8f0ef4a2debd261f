-- The webhook delivery state machine. Every transition is one guarded UPDATE
-- (... WHERE status IN (legal sources) RETURNING); when it matches nothing the function
-- says why: P0002 unknown delivery, 55000 illegal transition (with from -> to).
--
--   pending -> processing -> completed
--                         -> failed -> processing ...      (attempts < max)
--                         -> dead_letter                    (attempts = max)
--   failed | dead_letter -> pending                         (retry_failed_webhook)
--   processing (lease expired) -> processing                (a crashed worker's row, reclaimed)

-- Explains why a guarded transition matched no row.
CREATE OR REPLACE FUNCTION public.raise_webhook_transition_error(p_org_id uuid, p_id uuid, p_target text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    v_status text;
BEGIN
    SELECT status INTO v_status FROM public.webhook_delivery_log WHERE org_id = p_org_id AND id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'webhook delivery % not found in org %', p_id, p_org_id USING ERRCODE = 'P0002';
    END IF;
    RAISE EXCEPTION 'illegal webhook transition % -> % for delivery %', v_status, p_target, p_id
        USING ERRCODE = '55000';
END
$$;

-- Idempotent receipt: the same (org, event_id) twice yields one row and the same id.
-- Raises 22004 NULL argument, 22023 empty event type, 42501 another org, 23503 unknown org.
CREATE OR REPLACE FUNCTION public.record_webhook_received(
    p_org_id uuid,
    p_event_type text,
    p_event_id text,
    p_job_id text DEFAULT NULL
)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_id uuid;
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_event_type, 'p_event_type');
    PERFORM public.require_argument(p_event_id, 'p_event_id');
    IF btrim(p_event_type) = '' OR btrim(p_event_id) = '' THEN
        RAISE EXCEPTION 'arguments p_event_type and p_event_id must not be empty' USING ERRCODE = '22023';
    END IF;
    PERFORM public.assert_org_access(p_org_id);
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

-- pending | failed -> processing; also reclaims a processing row whose lease (measured
-- from last_attempt_at) has expired: its worker is presumed dead.
CREATE OR REPLACE FUNCTION public.mark_webhook_processing(
    p_org_id uuid,
    p_id uuid,
    p_lease interval DEFAULT interval '5 minutes'
)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_id, 'p_id');
    PERFORM public.assert_org_access(p_org_id);
    UPDATE public.webhook_delivery_log
    SET status = 'processing', last_attempt_at = now()
    WHERE org_id = p_org_id AND id = p_id
      AND (status IN ('pending', 'failed')
           OR (status = 'processing' AND last_attempt_at < now() - coalesce(p_lease, interval '5 minutes')));
    IF NOT FOUND THEN
        PERFORM public.raise_webhook_transition_error(p_org_id, p_id, 'processing');
    END IF;
END
$$;

-- processing -> completed (the attempt counts).
CREATE OR REPLACE FUNCTION public.mark_webhook_completed(p_org_id uuid, p_id uuid)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_id, 'p_id');
    PERFORM public.assert_org_access(p_org_id);
    UPDATE public.webhook_delivery_log
    SET status = 'completed', completed_at = now(), attempts = attempts + 1
    WHERE org_id = p_org_id AND id = p_id AND status = 'processing';
    IF NOT FOUND THEN
        PERFORM public.raise_webhook_transition_error(p_org_id, p_id, 'completed');
    END IF;
END
$$;

-- processing -> failed, or dead_letter once attempts reach p_max_attempts. Returns the
-- new status. The error message of the last attempt is kept.
CREATE OR REPLACE FUNCTION public.mark_webhook_failed(
    p_org_id uuid,
    p_id uuid,
    p_error text,
    p_max_attempts integer DEFAULT 5
)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_status text;
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_id, 'p_id');
    PERFORM public.require_argument(p_max_attempts, 'p_max_attempts');
    IF p_max_attempts < 1 THEN
        RAISE EXCEPTION 'argument p_max_attempts must be at least 1, got %', p_max_attempts USING ERRCODE = '22023';
    END IF;
    PERFORM public.assert_org_access(p_org_id);
    UPDATE public.webhook_delivery_log
    SET attempts = attempts + 1,
        error_message = p_error,
        status = CASE WHEN attempts + 1 >= p_max_attempts THEN 'dead_letter' ELSE 'failed' END
    WHERE org_id = p_org_id AND id = p_id AND status = 'processing'
    RETURNING status INTO v_status;
    IF NOT FOUND THEN
        PERFORM public.raise_webhook_transition_error(p_org_id, p_id, 'failed');
    END IF;
    RETURN v_status;
END
$$;

-- failed | dead_letter -> pending for every delivery of the job. Returns
-- {"success": true, "job_id", "retried": n, "ids": [...]}. Raises P0002 when no delivery
-- has that job id, 55000 when none of them is failed or dead_letter, 42501 for another org.
CREATE OR REPLACE FUNCTION public.retry_failed_webhook(p_job_id text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_org_id uuid;
    v_ids jsonb;
    v_statuses text;
BEGIN
    PERFORM public.require_argument(p_job_id, 'p_job_id');
    FOR v_org_id IN SELECT DISTINCT org_id FROM public.webhook_delivery_log WHERE job_id = p_job_id LOOP
        PERFORM public.assert_org_access(v_org_id);
    END LOOP;

    WITH retried AS (
        UPDATE public.webhook_delivery_log
        SET status = 'pending', error_message = NULL
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

REVOKE ALL ON FUNCTION public.raise_webhook_transition_error(uuid, uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.record_webhook_received(uuid, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.mark_webhook_processing(uuid, uuid, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.mark_webhook_completed(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.mark_webhook_failed(uuid, uuid, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.retry_failed_webhook(text) FROM PUBLIC;
-- The queue workers and the metrics API run as service_role; tenants do not move deliveries.
GRANT EXECUTE ON FUNCTION public.record_webhook_received(uuid, text, text, text) TO service_role;
GRANT EXECUTE ON FUNCTION public.mark_webhook_processing(uuid, uuid, interval) TO service_role;
GRANT EXECUTE ON FUNCTION public.mark_webhook_completed(uuid, uuid) TO service_role;
GRANT EXECUTE ON FUNCTION public.mark_webhook_failed(uuid, uuid, text, integer) TO service_role;
GRANT EXECUTE ON FUNCTION public.retry_failed_webhook(text) TO service_role;
