import unittest

from app.routes import websocket_routes as routes
from app.websocket_core.websocket_manager import _UnifiedWebSocketManagerImplementation

ALICE = {"user_id": "alice"}
BOB = {"user_id": "bob"}


class WebSocketRoutesTest(unittest.IsolatedAsyncioTestCase):
    def assertManagerFor(self, manager, ctx, sent=None):
        self.assertIsInstance(manager, _UnifiedWebSocketManagerImplementation)
        self.assertEqual(manager.user_context, ctx)
        if sent is not None:
            self.assertEqual(manager.sent, sent)

    async def test_handle_connect(self):
        self.assertManagerFor(await routes.handle_connect(ALICE), ALICE, ["connected"])

    async def test_handle_reconnect(self):
        self.assertManagerFor(await routes.handle_reconnect(ALICE), ALICE, ["reconnected"])

    async def test_handle_disconnect(self):
        self.assertManagerFor(await routes.handle_disconnect(ALICE), ALICE, ["disconnected"])

    async def test_handle_ping(self):
        self.assertManagerFor(await routes.handle_ping(ALICE), ALICE, ["pong"])

    async def test_handle_subscribe(self):
        manager = await routes.handle_subscribe(ALICE, "news")
        self.assertManagerFor(manager, ALICE, ["subscribed:news"])

    async def test_get_manager(self):
        self.assertManagerFor(await routes.get_manager(ALICE), ALICE, [])

    async def test_send_greeting(self):
        self.assertEqual(await routes.send_greeting(ALICE), "hello")

    async def test_register_connection(self):
        manager = await routes.register_connection(BOB)
        self.assertManagerFor(manager, BOB)
        self.assertIs(routes.registry["bob"], manager)

    async def test_resolve_manager(self):
        self.assertManagerFor(await routes.resolve_manager(ALICE), ALICE)

    async def test_maybe_manager(self):
        self.assertManagerFor(await routes.maybe_manager(ALICE), ALICE)

    async def test_notify(self):
        self.assertEqual(await routes.notify(ALICE, "ping"), "ping")

    async def test_broadcast_all(self):
        managers = await routes.broadcast_all([ALICE, BOB], "maintenance")
        self.assertEqual(len(managers), 2)
        self.assertManagerFor(managers[0], ALICE, ["maintenance"])
        self.assertManagerFor(managers[1], BOB, ["maintenance"])

    async def test_handle_auth(self):
        self.assertManagerFor(await routes.handle_auth(ALICE), ALICE, ["authenticated"])

    async def test_handle_batch(self):
        managers = await routes.handle_batch([ALICE, BOB])
        self.assertManagerFor(managers[0], ALICE, ["batch"])
        self.assertManagerFor(managers[1], BOB, ["batch"])

    async def test_handle_message(self):
        self.assertEqual(await routes.handle_message(ALICE, "hi"), "hi")
        self.assertIn("handle_message", routes.CALL_LOG)

    async def test_connection_handler_open(self):
        handler = routes.ConnectionHandler(ALICE)
        manager = await handler.open()
        self.assertIs(handler.manager, manager)
        self.assertManagerFor(manager, ALICE, ["opened"])

    async def test_handle_stream(self):
        self.assertManagerFor(await routes.handle_stream(ALICE), ALICE, ["stream started"])


if __name__ == "__main__":
    unittest.main()
