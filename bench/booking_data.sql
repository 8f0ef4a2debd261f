-- One org with 50 active staff members and a customer; their ids are computed, so that a case
-- names a staff member without a lookup the other case does not make.
INSERT INTO public.organizations (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'org 1');
INSERT INTO public.staff_members (id, org_id, name)
SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001', 'staff ' || g
FROM generate_series(1, 50) AS g;
INSERT INTO public.customers (id, org_id, name)
VALUES ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0000-000000000001', 'customer 1');
-- A calendar that already holds 100,000 past appointments (2,000 per staff member, created_by
-- 'bench' like the bare inserts), so that the planner sees the table a booking really meets.
INSERT INTO public.appointments (org_id, staff_id, customer_id, start_time, end_time, metadata, created_by)
SELECT '00000000-0000-0000-0000-000000000001', ('00000000-0000-0000-0001-' || lpad((g % 50 + 1)::text, 12, '0'))::uuid,
       '00000000-0000-0000-0002-000000000001',
       timestamptz '2020-01-01' + (g / 50) * interval '1 hour',
       timestamptz '2020-01-01' + (g / 50) * interval '1 hour' + interval '30 minutes', '{}', 'bench'
FROM generate_series(0, 99999) AS g;
