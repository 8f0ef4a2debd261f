-- title: Rescheduling an appointment that does not exist is a not_found outcome
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('reschedule missing');
    r jsonb := public.reschedule_appointment((t->>'org')::uuid, gen_random_uuid(),
                                             '2099-01-05 14:00+00', '2099-01-05 15:00+00');
BEGIN
    ASSERT r->>'error_code' = 'not_found', format('have %s, want not_found', r);
END
$$;
