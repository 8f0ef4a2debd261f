-- title: Booking a free slot stores the appointment and its audit row
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('book');
    r jsonb := pg_temp.scenario_book(t, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
BEGIN
    ASSERT (r->>'success')::boolean, format('have %s, want success', r);
    ASSERT EXISTS (SELECT 1 FROM public.appointments
                   WHERE org_id = (t->>'org')::uuid AND id = (r->>'appointment_id')::uuid AND status = 'booked'),
        'the booked appointment is not in appointments';
    ASSERT (SELECT count(*) FROM public.appointment_audit_log
            WHERE appointment_id = (r->>'appointment_id')::uuid AND action = 'booked') = 1,
        'no audit row for the booking';
END
$$;
