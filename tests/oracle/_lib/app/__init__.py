"""A package whose module is imported as `from app import websocket`."""
