"""Imports the sync factory's name from `hub` inside a function."""


def make_in_function(ctx):
    from hub import get_websocket_manager

    return get_websocket_manager(ctx).ctx
