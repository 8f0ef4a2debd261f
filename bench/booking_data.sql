-- One org with 50 active staff members and a customer; their ids are computed, so that a case
-- names a staff member without a lookup the other case does not make.
INSERT INTO public.organizations (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'org 1');
INSERT INTO public.staff_members (id, org_id, name)
SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001', 'staff ' || g
FROM generate_series(1, 50) AS g;
INSERT INTO public.customers (id, org_id, name)
VALUES ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0000-000000000001', 'customer 1');
