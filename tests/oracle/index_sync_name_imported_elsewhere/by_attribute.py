"""Reads the sync factory as an attribute of the `hub` module."""
import hub


def make_by_attribute(ctx):
    return hub.get_websocket_manager(ctx).ctx
