"""The model: states deciding how to move their relations, quarter by quarter.

What lives here: the world as arrays (world), one pure function per driver term
(drivers), the decision rule (choice) and the agents that apply it (agents), the
:class:`AlignmentModel` (model), events and their timeline (events), the evaluation of
conditions (conditions), relation bands, blocs and end-states (outcomes).

May import: :mod:`sim.scenario` only. The model knows no files, plots, pages or command
line; results, analyses and the workshop read it from above.
"""
