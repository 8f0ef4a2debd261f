-- Objects that earlier versions of this schema created and this one no longer has: dropped
-- here, after every file above re-created what replaces them (the policies now call
-- app_private.request_org_id(), so the old public one can go). IF EXISTS: a fresh database
-- never had them.

-- internal helpers that lived in the API schema, where PostgREST exposed them
DROP FUNCTION IF EXISTS public.request_org_id();
DROP FUNCTION IF EXISTS public.request_actor();
DROP FUNCTION IF EXISTS public.assert_org_access(uuid);
DROP FUNCTION IF EXISTS public.require_argument(anyelement, text);  -- polymorphic: an overload could capture it
DROP FUNCTION IF EXISTS public.validate_booking_window(timestamptz, timestamptz);
DROP FUNCTION IF EXISTS public.require_booking_references(uuid, uuid, uuid, uuid);
DROP FUNCTION IF EXISTS public.booking_lock_key(uuid, uuid);
DROP FUNCTION IF EXISTS public.find_conflicts(uuid, uuid, timestamptz, timestamptz, uuid);
DROP FUNCTION IF EXISTS public.slot_conflict_outcome(uuid, timestamptz, timestamptz, jsonb, text);
DROP FUNCTION IF EXISTS public.raise_webhook_transition_error(uuid, uuid, text);
DROP FUNCTION IF EXISTS public.require_metrics_limit(integer);

-- webhook transitions without a claim token (a late worker could finish a reclaimed delivery)
DROP FUNCTION IF EXISTS public.mark_webhook_processing(uuid, uuid, interval);
DROP FUNCTION IF EXISTS public.mark_webhook_completed(uuid, uuid);
DROP FUNCTION IF EXISTS public.mark_webhook_failed(uuid, uuid, text, integer);

-- webhook transitions whose caller chose the lease and the maximum of attempts (a worker could
-- take over a delivery another held, or claim past the maximum): webhook_settings decides now
DROP FUNCTION IF EXISTS public.mark_webhook_processing(uuid, uuid, interval, integer);
DROP FUNCTION IF EXISTS public.mark_webhook_failed(uuid, uuid, integer, text, integer);

-- the advisory lock key of a calendar: any session could take it and stall another org's
-- bookings; bookings lock the staff member's row now
DROP FUNCTION IF EXISTS app_private.booking_lock_key(uuid, uuid);

-- the cleanup procedure before its time budget per batch (p_batch_budget)
DROP PROCEDURE IF EXISTS public.run_webhook_log_cleanup(interval, integer, bigint);
DROP FUNCTION IF EXISTS public.cleanup_webhook_log_batch(timestamptz, timestamptz, integer);
