"""`pgsuite bench`: the project's workloads (workload, judged by judge, kept by store) and the
timings of pgsuite's own commands (tool, with pgTAP as the verify baseline in pgtap)."""
