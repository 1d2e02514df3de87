"""Results: the tidy frames of a run, its event tables, its manifest, and publishing.

A run's numbers become DataFrames here (one row per replicate, step and dyad; end-state
probabilities; event firings), and result folders are written here, atomically, by the
one writer every folder goes through. Modules, by concept:

- :mod:`~sim.results.views`: what the frames read (a finished model or an ensemble
  point; an ensemble; a finished run), as Protocols, and the accessors;
- :mod:`~sim.results.frames`: trajectories, end-state and dyad tables, per-point and
  sweep tables, sampled parameters;
- :mod:`~sim.results.events`: event firings, the event table and ``events.parquet``;
- :mod:`~sim.results.intervals`: the Wilson interval of a share;
- :mod:`~sim.results.histograms`: relation histograms and quantiles from them;
- :mod:`~sim.results.outcomes_csv`: ``outcomes.csv``, written and read back;
- :mod:`~sim.results.manifest`: the one manifest builder (scenario identity,
  provenance, environment);
- :mod:`~sim.results.publish`: the one atomic writer (folders and files);
- :mod:`~sim.results.run_folder`: a run's result folder (``results/<scenario>/<run-id>``).
- :mod:`~sim.results.run_index`: the index of a results root: every published folder
  (runs, comparisons, analyses) read from its manifest, and what was skipped and why;
  :mod:`~sim.results.index_entry`: one folder's entry, read from its manifest.
- :mod:`~sim.results.observed`: observed series beside a run (UN voting agreement, read
  from the repository's ``data/observed/``), as changes since a base year.

Pages (the run report) are not made here: the caller supplies their writers
(:func:`sim.results.run_folder.write_run`'s ``files``).

May import: :mod:`sim.model` and :mod:`sim.scenario`.
"""
