"""Tables created on first use, once per process, whichever thread gets there first."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, MetaData


class TablesOnFirstUse:
    """A store over `metadata`'s tables in `engine`; `_ready()` creates them the first time it is called."""

    metadata: MetaData

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._created = False
        self._lock = threading.Lock()

    def _ready(self) -> Engine:
        if not self._created:
            with self._lock:
                self.metadata.create_all(self.engine)
                self._created = True
        return self.engine
