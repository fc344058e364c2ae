"""Re-exports the pair, as a backend's websocket module does."""
from ws import Manager, get_websocket_manager, get_websocket_manager_async

__all__ = ["Manager", "get_websocket_manager", "get_websocket_manager_async"]
