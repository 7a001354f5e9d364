"""A Redis lock store whose ticket updates are atomic across Rasa servers.

Rasa 3.6's :class:`~rasa.core.lock_store.RedisLockStore` updates a
conversation's ticket lock with a plain ``GET`` then ``SET``.  When two
messages of one conversation reach two Rasa servers at the same moment, both
can read the empty lock, both issue ticket 0, and both process the
conversation at once; the SQL tracker store then keeps only the events of
whichever saved first, and the other message is lost from the conversation
(``tests/production`` reproduced this).  Here every read-modify-write of a
lock (issuing a ticket, dropping expired tickets, finishing a ticket and
deleting the lock) is one optimistic Redis transaction (``WATCH``/``MULTI``/
``EXEC``, retried when another server changed the lock in between), so
tickets are unique and messages of one conversation are handled one after
the other, whichever servers receive them.

Configure it in the endpoints file exactly like Rasa's Redis lock store::

    lock_store:
      type: bot.deploy.lock_store.AtomicRedisLockStore
      url: localhost
      port: 6379
      db: 1
      key_prefix: nestbot
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

# (lock after the change or None to delete it, value to return, write?)
_Change = Tuple[Optional[TicketLock], Any, bool]


class AtomicRedisLockStore(RedisLockStore):
    """:class:`RedisLockStore` with atomic lock updates (see the module docstring)."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:           # how Rasa builds a custom lock store
            options = dict(endpoint_config.kwargs)
            options.pop("type", None)
            if endpoint_config.url:
                options["host"] = endpoint_config.url
            options.update(kwargs)
            kwargs = options
        super().__init__(**kwargs)

    def _transaction(self, conversation_id: Text,
                     change: Callable[[Optional[TicketLock]], _Change]) -> Any:
        import redis

        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result, write = change(lock)
                    pipe.multi()
                    if write:
                        if new_lock is None:
                            pipe.delete(key)
                        else:
                            pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue                  # another server changed the lock: redo

    def issue_ticket(self, conversation_id: Text,
                     lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> _Change:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime), True

        try:
            return self._transaction(conversation_id, change)
        except Exception as exc:  # noqa: BLE001 - Rasa expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> _Change:
            if lock is None:
                return None, None, False
            lock.remove_expired_tickets()
            return lock, None, True

        self._transaction(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> _Change:
            if lock is None:
                return None, None, False
            lock.remove_ticket_for(ticket_number)
            return lock, None, True

        self._transaction(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish the ticket and delete the lock if nobody waits, in one step."""
        def change(lock: Optional[TicketLock]) -> _Change:
            if lock is None:
                return None, None, False
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                return lock, None, True
            return None, None, True

        self._transaction(conversation_id, change)


__all__ = ["AtomicRedisLockStore"]
