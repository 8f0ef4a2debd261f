"""Many targets: a fleet file, deploys in waves, one fleet report."""
