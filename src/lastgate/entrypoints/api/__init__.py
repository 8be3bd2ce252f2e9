"""The HTTP API: ``create_app`` builds it from settings."""

from lastgate.entrypoints.api.app import create_app

__all__ = ["create_app"]
