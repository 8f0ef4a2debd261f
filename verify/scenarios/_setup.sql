-- Runs first in every scenario's transaction (which is always rolled back).
-- pg_temp.scenario_tenant(label): a fresh org with two staff members, a customer and a
-- service, as jsonb {org, staff, staff2, customer, service}. Fresh ids: nothing a scenario
-- does can touch existing tenants' rows.
CREATE FUNCTION pg_temp.scenario_tenant(p_label text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v jsonb := jsonb_build_object('org', gen_random_uuid(), 'staff', gen_random_uuid(), 'staff2', gen_random_uuid(),
                                  'customer', gen_random_uuid(), 'service', gen_random_uuid());
BEGIN
    INSERT INTO public.organizations (id, name) VALUES ((v->>'org')::uuid, 'pgsuite scenario ' || p_label);
    INSERT INTO public.staff_members (id, org_id, name)
    VALUES ((v->>'staff')::uuid, (v->>'org')::uuid, 'Scenario staff'),
           ((v->>'staff2')::uuid, (v->>'org')::uuid, 'Scenario staff 2');
    INSERT INTO public.customers (id, org_id, name) VALUES ((v->>'customer')::uuid, (v->>'org')::uuid, 'Scenario customer');
    INSERT INTO public.services (id, org_id, name, duration_minutes)
    VALUES ((v->>'service')::uuid, (v->>'org')::uuid, 'Scenario service', 30);
    RETURN v;
END
$$;

-- pg_temp.scenario_book(tenant, start, end): books for the tenant's first staff member.
CREATE FUNCTION pg_temp.scenario_book(t jsonb, p_start timestamptz, p_end timestamptz)
RETURNS jsonb
LANGUAGE sql
AS $$
    SELECT public.book_appointment_with_lock((t->>'org')::uuid, (t->>'staff')::uuid, (t->>'customer')::uuid,
                                             p_start, p_end)
$$;
