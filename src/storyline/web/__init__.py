"""The web UI and HTTP API (`storyline serve`): FastAPI, uvicorn and Jinja2 over the same Python
API the CLI wraps. Needs the ``web`` extra: ``pip install 'storyline[web]'``."""

from __future__ import annotations

from storyline.web.app import create_app
from storyline.web.deps import WebConfig

__all__ = ["WebConfig", "create_app"]
