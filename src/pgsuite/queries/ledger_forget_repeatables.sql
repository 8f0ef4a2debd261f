-- After a rollback the objects the repeatables made may have gone with the tables:
-- forgetting their checksums makes the next apply re-apply every file.
DELETE FROM pgsuite.repeatable_ledger;
