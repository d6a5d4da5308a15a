"""moto as a server, answering one request at a time (moto is not safe under concurrency)."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class MotoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        from devstack import cognito, moto_patches

        moto_patches.apply()
        cognito.apply()
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(host, port, app, threaded=False)
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def start(self) -> MotoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for a serve_forever that must be running
            self._server.shutdown()
        self._server.server_close()
