"""The command line: ``python run.py [command] ...`` (or ``alignsim``, ``python -m sim.cli``).

One module per command, each adding its argparse subparser with
``set_defaults(func=...)``: :mod:`~sim.cli.run` (also what runs without a command),
:mod:`~sim.cli.compare`, :mod:`~sim.cli.runs` (and the results index),
:mod:`~sim.cli.validate`, :mod:`~sim.cli.schema`, :mod:`~sim.cli.landscape`,
:mod:`~sim.cli.explain`, :mod:`~sim.cli.sensitivity`, :mod:`~sim.cli.discover`,
:mod:`~sim.cli.aar`, :mod:`~sim.cli.workshop`.
:mod:`~sim.cli.main` builds the parser and dispatches. What the commands share:
:mod:`~sim.cli.options` (every option, defined once), :mod:`~sim.cli.exits` (exit codes,
messages, bad input), :mod:`~sim.cli.paths` (the default paths beside run.py),
:mod:`~sim.cli.program` (``alignsim`` or ``run.py``), :mod:`~sim.cli.scenario_file`,
:mod:`~sim.cli.console`, :mod:`~sim.cli.progress` and
:mod:`~sim.cli.ensemble_analysis` (sensitivity and discover).

Building the parser imports nothing heavy, so ``--help`` is fast: a command imports the
engine, the analyses or the workshop when it runs (those imports say so).

May import every other layer; nothing imports it.
"""
