"""Presentation: figures (pure: frame in, figure out) and self-contained HTML pages.

Every page is a Jinja2 template with autoescape; figures embed plotly.js so pages open
offline.

May import: :mod:`sim.analysis`, :mod:`sim.experiment`, :mod:`sim.results`,
:mod:`sim.model`, :mod:`sim.scenario`.
"""
