-- title: Rescheduling to a free slot moves the appointment and audits old and new times
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('reschedule');
    b jsonb := pg_temp.scenario_book(t, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
    r jsonb := public.reschedule_appointment((t->>'org')::uuid, (b->>'appointment_id')::uuid,
                                             '2099-01-05 14:00+00', '2099-01-05 15:00+00');
BEGIN
    ASSERT (r->>'success')::boolean, format('have %s, want success', r);
    ASSERT (SELECT start_time = '2099-01-05 14:00+00' FROM public.appointments WHERE id = (b->>'appointment_id')::uuid),
        'the appointment did not move';
    ASSERT EXISTS (SELECT 1 FROM public.appointment_audit_log
                   WHERE appointment_id = (b->>'appointment_id')::uuid AND action = 'rescheduled'
                     AND (old_values->>'start_time')::timestamptz = '2099-01-05 10:00+00'),
        'no audit row with the old time';
END
$$;
