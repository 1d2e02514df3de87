"""Command-line entry point: python run.py [command] ... (no command runs the baseline)."""

from sim.cli.main import program

if __name__ == "__main__":  # worker processes import this module; only the CLI runs it
    program()
