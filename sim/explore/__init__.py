"""The live what-if explorer: a base scenario's controls, and every change's ensemble drawn.

``python run.py explore FILE`` serves one page on this machine: a control for each value
an analyst may move (actors' assertiveness and autonomy, disputes' salience, the driver
weights, the events), and the figures of the what-if against the base, redrawn after
every change from a new ensemble on the same random numbers. "Save as what-if" writes the
changes as a short file that extends the base. docs/explore.md is the guide.

- :mod:`~sim.explore.controls`: the controls a scenario offers, their keys and ranges;
- :mod:`~sim.explore.what_if`: the changes as a what-if file, loaded and saved;
- :mod:`~sim.explore.generations`: newer changes supersede older work;
- :mod:`~sim.explore.exploration`: the base ensemble and each change's, compared;
- :mod:`~sim.explore.figures`: what the page draws of a comparison;
- :mod:`~sim.explore.page`, :mod:`~sim.explore.app`, :mod:`~sim.explore.serve`: the
  page, its callbacks, and serving it.

May import: :mod:`sim.present`, :mod:`sim.analysis`, :mod:`sim.experiment`,
:mod:`sim.results`, :mod:`sim.model`, :mod:`sim.scenario` (not :mod:`sim.api` or
:mod:`sim.workshop`, which sit beside it).
"""
