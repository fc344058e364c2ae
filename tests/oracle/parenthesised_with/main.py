"""Tests that assert the TypeError on purpose, written the way black and ruff-format lay out `with`:
parenthesised, with `as`, and one item per line with a trailing comma. They must be left alone."""
import oracle
import pytest
from ws import get_websocket_manager


async def parenthesised():
    with (pytest.raises(TypeError)):
        await get_websocket_manager("intent")
    return "raised"


async def parenthesised_as():
    with (pytest.raises(TypeError) as e):
        await get_websocket_manager("intent")
    return type(e.value).__name__


async def one_item_per_line():
    with (
        pytest.raises(TypeError) as excinfo,
    ):
        await get_websocket_manager("intent")
    return type(excinfo.value).__name__


PATHS = [
    ("parenthesised", parenthesised, "raised"),
    ("parenthesised_as", parenthesised_as, "TypeError"),
    ("one_item_per_line", one_item_per_line, "TypeError"),
]

if __name__ == "__main__":
    oracle.run(PATHS)
