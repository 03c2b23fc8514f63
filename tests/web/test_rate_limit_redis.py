"""With REDIS_URL set, sign-in counters live in Redis and are shared by every worker."""
import os

import pytest

from tests.conftest import Client, make_app, unavailable

# Database 15 of the local Redis is the suite's own: it is emptied before and after.
REDIS_URL = os.environ.get("PRANATA_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis not reachable at {REDIS_URL}: {type(error).__name__}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_failed_sign_ins_are_counted_in_redis_across_workers(database_url, demo, redis_client):
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL}
    first_worker = Client(make_app(database_url, **settings))
    for _ in range(5):
        assert first_worker.login("author@demo.pranata.test", "tebakan-salah-000").status_code == 401
    assert redis_client.keys("*sign-in:author@demo.pranata.test*"), "no counter was written to Redis"
    # A second worker process starts with no memory of its own, yet refuses the sixth guess.
    second_worker = Client(make_app(database_url, **settings))
    assert second_worker.login("author@demo.pranata.test", "tebakan-salah-000").status_code == 429
