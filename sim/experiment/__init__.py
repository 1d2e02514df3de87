"""Ensembles at scale: chunks, seeds, executors (serial, process pool, Dask), resume.

- :mod:`sim.experiment.tasks`: chunks of replicates and sweep points, their seeds, and the
  function a worker runs on one chunk;
- :mod:`sim.experiment.executors`: where chunks run (this process, a local process pool,
  a Dask cluster), with a clean shutdown;
- :mod:`sim.experiment.runner`: submits chunks, collects them as they complete, reports
  progress and failures;
- :mod:`sim.experiment.collect`: what is kept of the chunks (summaries; histories where
  they are);
- :mod:`sim.experiment.store`: the partial run folder (chunk files written atomically,
  the state a resume checks);
- :mod:`sim.experiment.engine`: a whole run, in memory (:func:`sim.run`) or streamed to a
  run folder (the command line);

The engine takes what runs on each chunk as a parameter (``work``, default
:func:`~sim.experiment.tasks.run_chunk`): that is where a test injects a failing task;
there are no test hooks in the package. Finished runs are written by
:mod:`sim.results` (the one atomic writer; the caller adds the report).

docs/performance.md describes the seed scheme and how to run on a Dask cluster.

May import: :mod:`sim.results`, :mod:`sim.model` and :mod:`sim.scenario`.
"""
