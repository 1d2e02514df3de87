"""Results: the tidy frames of a run, its event tables, its manifest, and publishing.

A run's numbers become DataFrames here (one row per replicate, step and dyad; end-state
probabilities; event firings), and result folders are written here, atomically, by the
one writer every folder goes through.

May import: :mod:`sim.model` and :mod:`sim.scenario`.
"""
