"""Pin down the factory contract: the sync factory must NOT be awaitable.

The awaits below are intentional and must never be "fixed".
"""

import unittest

from app.websocket_core.websocket_manager import (
    _UnifiedWebSocketManagerImplementation,
    get_websocket_manager,
    get_websocket_manager_async,
)


class FactoryContractTest(unittest.IsolatedAsyncioTestCase):
    async def test_sync_factory_is_not_awaitable(self):
        with self.assertRaises(TypeError):
            await get_websocket_manager()

    async def test_sync_factory_await_error_message(self):
        with self.assertRaisesRegex(TypeError, "can't be used in 'await' expression"):
            await get_websocket_manager(user_context={"user_id": "alice"})

    def test_sync_factory_returns_manager(self):
        manager = get_websocket_manager(user_context={"user_id": "alice"})
        self.assertIsInstance(manager, _UnifiedWebSocketManagerImplementation)
        self.assertEqual(manager.user_context, {"user_id": "alice"})

    async def test_async_factory_is_awaitable(self):
        manager = await get_websocket_manager_async(user_context={"user_id": "alice"})
        self.assertIsInstance(manager, _UnifiedWebSocketManagerImplementation)
        self.assertEqual(manager.user_context, {"user_id": "alice"})


if __name__ == "__main__":
    unittest.main()
