"""A package that re-exports only the sync factory: `from chan import get_websocket_manager_async` fails."""
from ws import get_websocket_manager

__all__ = ["get_websocket_manager"]
