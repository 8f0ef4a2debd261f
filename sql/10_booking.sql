-- Booking and availability. Outcomes and SQLSTATEs are documented in README.md.

-- Books a slot, or returns {"success": false, "error_code": "slot_conflict", "conflicts": [...]}.
-- The transaction-scoped advisory lock on (org, staff member) serialises bookings of one
-- calendar, so a conflict is found by the check and reported cleanly; the exclusion
-- constraint stays the last line of defence, and its violation (possible when the
-- caller's REPEATABLE READ / SERIALIZABLE snapshot predates the lock) is the same outcome.
-- Raises: 22004 NULL argument, 22023 bad window or metadata, 42501 another org,
-- 23503 unknown org / staff / customer / service. Nothing is written on any of them.
CREATE OR REPLACE FUNCTION public.book_appointment_with_lock(
    p_org_id uuid,
    p_staff_id uuid,
    p_customer_id uuid,
    p_start_time timestamptz,
    p_end_time timestamptz,
    p_service_id uuid DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_metadata jsonb DEFAULT '{}'
)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_metadata jsonb := coalesce(p_metadata, '{}'::jsonb);
    v_lock_key bigint;
    v_conflicts jsonb;
    v_detail text;
    v_id uuid;
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_staff_id, 'p_staff_id');
    PERFORM public.require_argument(p_customer_id, 'p_customer_id');
    PERFORM public.require_argument(p_start_time, 'p_start_time');
    PERFORM public.require_argument(p_end_time, 'p_end_time');
    PERFORM public.validate_booking_window(p_start_time, p_end_time);
    IF jsonb_typeof(v_metadata) <> 'object' THEN
        RAISE EXCEPTION 'argument p_metadata must be a JSON object, got %', jsonb_typeof(v_metadata)
            USING ERRCODE = '22023';
    END IF;
    PERFORM public.assert_org_access(p_org_id);
    PERFORM public.require_booking_references(p_org_id, p_staff_id, p_customer_id, p_service_id);

    v_lock_key := public.booking_lock_key(p_org_id, p_staff_id);
    PERFORM pg_catalog.pg_advisory_xact_lock(v_lock_key);

    v_conflicts := public.find_conflicts(p_org_id, p_staff_id, p_start_time, p_end_time, NULL);
    IF v_conflicts IS NOT NULL THEN
        RETURN public.slot_conflict_outcome(p_staff_id, p_start_time, p_end_time, v_conflicts)
               || jsonb_build_object('lock_key', v_lock_key);
    END IF;

    BEGIN
        INSERT INTO public.appointments
            (org_id, staff_id, customer_id, service_id, start_time, end_time, notes, metadata, created_by)
        VALUES
            (p_org_id, p_staff_id, p_customer_id, p_service_id, p_start_time, p_end_time, p_notes,
             v_metadata, public.request_actor())
        RETURNING id INTO v_id;
    EXCEPTION WHEN exclusion_violation THEN
        GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
        RETURN public.slot_conflict_outcome(p_staff_id, p_start_time, p_end_time, NULL, v_detail)
               || jsonb_build_object('lock_key', v_lock_key);
    END;

    INSERT INTO public.appointment_audit_log (org_id, appointment_id, action, actor, new_values)
    VALUES (p_org_id, v_id, 'booked', public.request_actor(),
            jsonb_build_object('staff_id', p_staff_id, 'customer_id', p_customer_id,
                               'service_id', p_service_id, 'start_time', p_start_time,
                               'end_time', p_end_time, 'status', 'booked'));

    RETURN jsonb_build_object(
        'success', true,
        'appointment_id', v_id,
        'lock_key', v_lock_key,
        'start_time', p_start_time,
        'end_time', p_end_time,
        'status', 'booked');
END
$$;

-- true when the staff member has no active appointment overlapping [start, end).
-- p_exclude_appointment_id ignores one appointment (the one being rescheduled).
-- Raises like book_appointment_with_lock (22004, 22023, 42501, 23503).
CREATE OR REPLACE FUNCTION public.check_slot_availability(
    p_org_id uuid,
    p_staff_id uuid,
    p_start_time timestamptz,
    p_end_time timestamptz,
    p_exclude_appointment_id uuid DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_staff_id, 'p_staff_id');
    PERFORM public.require_argument(p_start_time, 'p_start_time');
    PERFORM public.require_argument(p_end_time, 'p_end_time');
    PERFORM public.validate_booking_window(p_start_time, p_end_time);
    PERFORM public.assert_org_access(p_org_id);
    PERFORM public.require_booking_references(p_org_id, p_staff_id, NULL, NULL);
    RETURN public.find_conflicts(p_org_id, p_staff_id, p_start_time, p_end_time, p_exclude_appointment_id) IS NULL;
END
$$;

REVOKE ALL ON FUNCTION public.book_appointment_with_lock(uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.check_slot_availability(uuid, uuid, timestamptz, timestamptz, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.book_appointment_with_lock(uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, jsonb)
    TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.check_slot_availability(uuid, uuid, timestamptz, timestamptz, uuid)
    TO authenticated, service_role;
