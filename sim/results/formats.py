"""The kinds of manifest by name (their ``format``), agreed by what writes and what lists them.

A run's manifest (sim.results.manifest) and a comparison's
(sim.analysis.comparison_manifest) name their kind with these; the index of a results
folder (sim.results.index_entry) tells them apart by it. The analyses' manifests name a
``kind`` instead (sim.analysis.common).
"""

RUN = "alignsim-run"
"""The ``format`` of a run's manifest."""
COMPARISON = "alignsim-comparison"
"""The ``format`` of a comparison's manifest."""
