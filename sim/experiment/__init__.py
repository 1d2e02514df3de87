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
- :mod:`sim.cli.progress`: the progress bar, the plain progress lines and the
  closing summary line.

docs/performance.md describes the seed scheme and how to run on a Dask cluster.
"""
