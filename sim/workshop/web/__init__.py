"""The workshop's web app: the engine's game on the screens in the room (Dash).

- :mod:`~sim.workshop.web.security`: join codes (one per role, compared in constant
  time), per-code rate limits and request-size limits;
- :mod:`~sim.workshop.web.actions`: what the buttons do (the role always from the code);
- :mod:`~sim.workshop.web.layouts`: what each role's page shows;
- :mod:`~sim.workshop.web.app`: the Dash app factory, :func:`create_app`;
- :mod:`~sim.workshop.web.serve`: serving it in-process.

docs/workshop.md ("The web app") is the facilitator's guide.
"""

from sim.workshop.web.app import create_app
from sim.workshop.web.security import JoinCodes, RateLimiter

__all__ = ["JoinCodes", "RateLimiter", "create_app"]
