"""The HTTP service and the editors' web page (`veracity serve`)."""

from veracity.serve.app import create_app, run_server

__all__ = ["create_app", "run_server"]
