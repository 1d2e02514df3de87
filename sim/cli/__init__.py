"""The command line: ``python run.py [command] ...`` (and ``alignsim``), one module per command.

May import every other layer; nothing imports it.
"""
