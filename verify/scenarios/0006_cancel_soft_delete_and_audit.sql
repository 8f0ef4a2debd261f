-- title: Cancelling is a soft delete with an audit row; cancelling twice is an outcome
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('cancel');
    b jsonb := pg_temp.scenario_book(t, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
    r jsonb := public.cancel_appointment((t->>'org')::uuid, (b->>'appointment_id')::uuid, 'scenario');
    again jsonb := public.cancel_appointment((t->>'org')::uuid, (b->>'appointment_id')::uuid);
BEGIN
    ASSERT (r->>'success')::boolean, format('have %s, want success', r);
    ASSERT (SELECT status = 'cancelled' AND cancelled_at IS NOT NULL AND cancellation_reason = 'scenario'
            FROM public.appointments WHERE id = (b->>'appointment_id')::uuid),
        'the appointment was not soft-deleted (status, cancelled_at, reason)';
    ASSERT (SELECT count(*) FROM public.appointment_audit_log
            WHERE appointment_id = (b->>'appointment_id')::uuid AND action = 'cancelled') = 1,
        'no audit row for the cancellation';
    ASSERT again->>'error_code' = 'already_cancelled', format('have %s, want already_cancelled', again);
END
$$;
