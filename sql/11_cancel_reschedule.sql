-- Cancellation (a soft delete) and rescheduling, each with its audit row.

-- Outcomes: success; not_found; already_cancelled; not_cancellable (completed, no_show).
-- Raises: 22004 NULL argument, 42501 another org.
CREATE OR REPLACE FUNCTION public.cancel_appointment(
    p_org_id uuid,
    p_appointment_id uuid,
    p_reason text DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_row public.appointments%ROWTYPE;
    v_actor text := public.request_actor();
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_appointment_id, 'p_appointment_id');
    PERFORM public.assert_org_access(p_org_id);

    SELECT * INTO v_row FROM public.appointments
    WHERE org_id = p_org_id AND id = p_appointment_id
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'not_found',
            'message', format('appointment %s not found in org %s', p_appointment_id, p_org_id));
    END IF;
    IF v_row.status = 'cancelled' THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'already_cancelled',
            'message', format('appointment %s was already cancelled at %s', p_appointment_id, v_row.cancelled_at),
            'cancelled_at', v_row.cancelled_at);
    END IF;
    IF v_row.status <> 'booked' THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'not_cancellable',
            'message', format('appointment %s is %s and cannot be cancelled', p_appointment_id, v_row.status),
            'status', v_row.status);
    END IF;

    UPDATE public.appointments
    SET status = 'cancelled', cancelled_at = now(), cancelled_by = v_actor,
        cancellation_reason = p_reason, updated_at = now()
    WHERE org_id = p_org_id AND id = p_appointment_id AND status = 'booked';

    INSERT INTO public.appointment_audit_log (org_id, appointment_id, action, actor, old_values, new_values, reason)
    VALUES (p_org_id, p_appointment_id, 'cancelled', v_actor,
            jsonb_build_object('status', v_row.status),
            jsonb_build_object('status', 'cancelled', 'cancelled_at', now()),
            p_reason);

    RETURN jsonb_build_object('success', true, 'appointment_id', p_appointment_id,
                              'status', 'cancelled', 'cancelled_at', now());
END
$$;

-- Moves a booked appointment to a new window, atomically: the old slot is given up only
-- if the new one is taken. Same lock as booking (one staff member's calendar).
-- Outcomes: success; not_found; not_reschedulable (cancelled, completed, no_show);
-- slot_conflict (with the conflicting appointments).
-- Raises: 22004 NULL argument, 22023 bad window, 42501 another org.
CREATE OR REPLACE FUNCTION public.reschedule_appointment(
    p_org_id uuid,
    p_appointment_id uuid,
    p_new_start_time timestamptz,
    p_new_end_time timestamptz,
    p_reason text DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_staff_id uuid;
    v_row public.appointments%ROWTYPE;
    v_lock_key bigint;
    v_conflicts jsonb;
    v_detail text;
BEGIN
    PERFORM public.require_argument(p_org_id, 'p_org_id');
    PERFORM public.require_argument(p_appointment_id, 'p_appointment_id');
    PERFORM public.require_argument(p_new_start_time, 'p_new_start_time');
    PERFORM public.require_argument(p_new_end_time, 'p_new_end_time');
    PERFORM public.validate_booking_window(p_new_start_time, p_new_end_time);
    PERFORM public.assert_org_access(p_org_id);

    SELECT staff_id INTO v_staff_id FROM public.appointments
    WHERE org_id = p_org_id AND id = p_appointment_id;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'not_found',
            'message', format('appointment %s not found in org %s', p_appointment_id, p_org_id));
    END IF;

    v_lock_key := public.booking_lock_key(p_org_id, v_staff_id);
    PERFORM pg_catalog.pg_advisory_xact_lock(v_lock_key);

    -- re-read under the lock: it may have been cancelled or moved meanwhile
    SELECT * INTO v_row FROM public.appointments
    WHERE org_id = p_org_id AND id = p_appointment_id
    FOR UPDATE;
    IF v_row.status <> 'booked' THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'not_reschedulable',
            'message', format('appointment %s is %s and cannot be rescheduled', p_appointment_id, v_row.status),
            'status', v_row.status);
    END IF;

    v_conflicts := public.find_conflicts(p_org_id, v_staff_id, p_new_start_time, p_new_end_time, p_appointment_id);
    IF v_conflicts IS NOT NULL THEN
        RETURN public.slot_conflict_outcome(v_staff_id, p_new_start_time, p_new_end_time, v_conflicts)
               || jsonb_build_object('appointment_id', p_appointment_id, 'lock_key', v_lock_key);
    END IF;

    BEGIN
        UPDATE public.appointments
        SET start_time = p_new_start_time, end_time = p_new_end_time, updated_at = now()
        WHERE org_id = p_org_id AND id = p_appointment_id;
    EXCEPTION WHEN exclusion_violation THEN
        GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
        RETURN public.slot_conflict_outcome(v_staff_id, p_new_start_time, p_new_end_time, NULL, v_detail)
               || jsonb_build_object('appointment_id', p_appointment_id, 'lock_key', v_lock_key);
    END;

    INSERT INTO public.appointment_audit_log (org_id, appointment_id, action, actor, old_values, new_values, reason)
    VALUES (p_org_id, p_appointment_id, 'rescheduled', public.request_actor(),
            jsonb_build_object('start_time', v_row.start_time, 'end_time', v_row.end_time),
            jsonb_build_object('start_time', p_new_start_time, 'end_time', p_new_end_time),
            p_reason);

    RETURN jsonb_build_object('success', true, 'appointment_id', p_appointment_id, 'lock_key', v_lock_key,
                              'start_time', p_new_start_time, 'end_time', p_new_end_time,
                              'previous_start_time', v_row.start_time, 'previous_end_time', v_row.end_time);
END
$$;

REVOKE ALL ON FUNCTION public.cancel_appointment(uuid, uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.reschedule_appointment(uuid, uuid, timestamptz, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.cancel_appointment(uuid, uuid, text) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.reschedule_appointment(uuid, uuid, timestamptz, timestamptz, text)
    TO authenticated, service_role;
