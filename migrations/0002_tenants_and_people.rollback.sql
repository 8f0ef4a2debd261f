-- Statements in the reverse order of 0002_tenants_and_people.sql, one for each.
ALTER TABLE public.services NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.services DISABLE ROW LEVEL SECURITY;

DROP TABLE public.services;

ALTER TABLE public.customers NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.customers DISABLE ROW LEVEL SECURITY;

DROP TABLE public.customers;

ALTER TABLE public.staff_members NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.staff_members DISABLE ROW LEVEL SECURITY;

DROP TABLE public.staff_members;

ALTER TABLE public.organizations NO FORCE ROW LEVEL SECURITY;

ALTER TABLE public.organizations DISABLE ROW LEVEL SECURITY;

DROP TABLE public.organizations;
