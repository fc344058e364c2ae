"""Imports the sync factory's name from `hub`, which must keep binding it."""
from hub import get_websocket_manager


def make_by_name(ctx):
    return get_websocket_manager(ctx).ctx
