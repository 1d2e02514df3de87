"""``python -m sim.cli [command] ...``: the same as ``python run.py [command] ...``."""

from sim.cli.main import program

program()
