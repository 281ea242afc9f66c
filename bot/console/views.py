"""The staff console under /staff (to be built: issue 5)."""

from __future__ import annotations

from flask import Blueprint


def create_blueprint(services: object) -> Blueprint:
    return Blueprint("console", __name__, url_prefix="/staff")
