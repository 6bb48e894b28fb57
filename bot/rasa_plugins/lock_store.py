"""A Redis lock store that is safe with several Rasa instances; loaded by Rasa from endpoints.yml.

Rasa 3.6's `RedisLockStore` changes a conversation's ticket lock by reading it, changing it in the
process and writing it back. Two instances that receive messages of one conversation at the same
moment can both read the same lock, hand out the same ticket and process both messages at once, so
one message's events are lost from the tracker (RasaHQ/rasa#9213; seen in tests/scale). Here every
read-change-write of a lock happens under a short Redis mutex, so tickets are unique across instances.

Runs in the Rasa environment (Python 3.10): imports only Rasa and what Rasa installs.
"""

from __future__ import annotations

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.lock import Lock

MUTEX_TIMEOUT = 10  # seconds; a crashed instance's mutex expires after this
MUTEX_WAIT = 20  # seconds to wait for the mutex before the message fails with a LockError


class SerialRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _mutex(self, conversation_id: str) -> Lock:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_TIMEOUT, sleep=0.01, blocking_timeout=MUTEX_WAIT
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
