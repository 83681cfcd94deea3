from __future__ import annotations

from pathlib import Path

import redis

from core.embedded import ServiceURLs, resolve_service_urls
from core.redis_server import EmbeddedRedis, render_config, socket_path_for
from core.settings import Settings


def test_configured_urls_are_used_as_they_are(tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgres://app@db.internal:5432/contacts",
        redis_url="redis://queue.internal:6379/2",
        data_dir=tmp_path / "data",
    )

    assert resolve_service_urls(settings) == ServiceURLs(
        database_url="postgres://app@db.internal:5432/contacts",
        redis_url="redis://queue.internal:6379/2",
    )
    assert not (tmp_path / "data").exists()


def test_redis_socket_moves_to_the_temp_folder_when_its_path_is_unusable(tmp_path: Path) -> None:
    short = tmp_path / "redis"
    deep = tmp_path / ("x" * 120) / "redis"
    odd = tmp_path / "with space" / "redis"

    assert socket_path_for(short) == short / "redis.sock"
    assert len(str(socket_path_for(deep))) < 100
    assert socket_path_for(deep) != socket_path_for(tmp_path / ("y" * 120) / "redis")
    assert " " not in str(socket_path_for(odd))


def test_redis_config_persists_the_queue_to_disk(tmp_path: Path) -> None:
    config = render_config(tmp_path, tmp_path / "redis.sock")

    assert "appendonly yes\n" in config
    assert f'dir "{tmp_path}"\n' in config
    assert "port 0\n" in config


def test_embedded_redis_keeps_data_across_restarts(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    with redis.Redis.from_url(server.url) as client:
        client.rpush("queue", "job-1")
    server.stop()
    assert not server.socket_path.exists()

    restarted = EmbeddedRedis(tmp_path / "redis")
    restarted.start()
    try:
        with redis.Redis.from_url(restarted.url) as client:
            assert client.lrange("queue", 0, -1) == [b"job-1"]
    finally:
        restarted.stop()
