-- A validated constraint cannot be made NOT VALID again: it stays valid (stronger), and 0008's
-- rollback drops it.
SELECT 1;
