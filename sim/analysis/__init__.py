"""Analyses of ensembles: comparison of scenarios (more to come)."""
