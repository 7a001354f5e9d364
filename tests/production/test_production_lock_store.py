"""The atomic Redis lock store against the Redis server at 127.0.0.1:6379
(fails, saying so, if it is not running: .ci/run starts it)."""
from __future__ import annotations

import asyncio
import threading
import uuid

import pytest

from bot.deploy.lock_store import AtomicRedisLockStore


@pytest.fixture
def stores(redis_db):
    """Two lock stores on one Redis db, as two Rasa servers have."""
    made = [AtomicRedisLockStore(host="127.0.0.1", port=6379, db=redis_db, key_prefix="nesttest")
            for _ in range(2)]
    yield made
    for store in made:
        store.red.close()


def test_production_lock_tickets_are_unique_when_servers_issue_them_at_once(stores):
    conversation = f"c-{uuid.uuid4().hex[:8]}"
    tickets, start = [], threading.Barrier(8)

    def issue(store):
        start.wait()
        for _ in range(10):
            tickets.append(store.issue_ticket(conversation, 60))

    threads = [threading.Thread(target=issue, args=(stores[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(tickets) == list(range(80))
    assert len(stores[0].get_lock(conversation).tickets) == 80


async def test_production_lock_serves_one_conversation_one_server_at_a_time(stores):
    conversation = f"c-{uuid.uuid4().hex[:8]}"
    inside, overlaps, order = [], [], []

    async def handle(store, name):
        async with store.lock(conversation, 60, wait_time_in_seconds=0.01):
            inside.append(name)
            if len(inside) > 1:
                overlaps.append(list(inside))
            await asyncio.sleep(0.05)
            order.append(name)
            inside.remove(name)

    await asyncio.gather(*(handle(stores[i % 2], f"m{i}") for i in range(6)))
    assert not overlaps
    assert sorted(order) == [f"m{i}" for i in range(6)]
    assert stores[1].get_lock(conversation) is None            # cleaned up when nobody waits


def test_production_lock_store_is_built_from_the_endpoints_file_config(redis_db):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", type="bot.deploy.lock_store.AtomicRedisLockStore",
                            port="6379", db=str(redis_db), password="", key_prefix="nestbot")
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "nestbot:lock:"
    assert store.red.connection_pool.connection_kwargs["db"] == redis_db
    store.red.close()
