"""Takes everything `listed` exports."""
from listed import *  # noqa: F403


def make_from_listed(ctx):
    return get_websocket_manager(ctx).ctx  # noqa: F405
