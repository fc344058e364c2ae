"""The factory's name bound by an assignment: what it is depends on the call that made it."""
import functools

import ws

get_websocket_manager = functools.partial(ws.get_websocket_manager)
