-- title: Service, notes and metadata given at booking are stored
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('optional');
    r jsonb := public.book_appointment_with_lock((t->>'org')::uuid, (t->>'staff')::uuid, (t->>'customer')::uuid,
        '2099-01-05 10:00+00', '2099-01-05 10:30+00', (t->>'service')::uuid, 'bring forms', '{"source": "scenario"}');
    a record;
BEGIN
    SELECT service_id, notes, metadata INTO a FROM public.appointments WHERE id = (r->>'appointment_id')::uuid;
    ASSERT a.service_id = (t->>'service')::uuid, format('have service %s, want %s', a.service_id, t->>'service');
    ASSERT a.notes = 'bring forms', format('have notes %L, want %L', a.notes, 'bring forms');
    ASSERT a.metadata = '{"source": "scenario"}', format('have metadata %s', a.metadata);
END
$$;
