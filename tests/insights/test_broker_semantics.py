"""What acks_late really gives on each broker Stigar runs on, when the consumer dies before acknowledging.

The filesystem broker (the embedded default) deletes a message's file when it is received, so an unacknowledged
message is gone for good; Redis parks it as unacknowledged and gives it back only once its visibility timeout has
passed. Neither redelivers promptly, which is why an import batch carries a lease (insights/services.py).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from kombu.connection import Connection

from tests.services import redis_available, require

CONSUMER_THAT_DIES = """
import json, os, signal, sys
from kombu import Connection
url, options = sys.argv[1], json.loads(sys.argv[2])
with Connection(url, transport_options=options) as connection:
    queue = connection.SimpleQueue("stigar-ack-probe")
    message = queue.get(timeout=5)
    print(json.dumps(message.payload), flush=True)
    # Killed before acknowledging, as a worker is by the OOM killer or kill -9: no clean close, no requeue.
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _connect(url: str, options: dict[str, Any]) -> Connection:
    # kombu's Connection.__init__ is not annotated: the one untyped call, kept here.
    return Connection(url, transport_options=options)  # type: ignore[no-untyped-call]


def _publish_and_take_unacknowledged(url: str, options: dict[str, Any]) -> None:
    with _connect(url, options) as connection:
        queue = connection.SimpleQueue("stigar-ack-probe")
        queue.put({"batch": 1})
        queue.close()
    consumer = subprocess.run(
        [sys.executable, "-c", CONSUMER_THAT_DIES, url, json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert consumer.returncode == -signal.SIGKILL, consumer.stderr
    assert json.loads(consumer.stdout) == {"batch": 1}


def _take(url: str, options: dict[str, Any], *, timeout: float) -> dict[str, Any] | None:
    with _connect(url, options) as connection:
        queue = connection.SimpleQueue("stigar-ack-probe")
        try:
            message = queue.get(timeout=timeout)
        except queue.Empty:
            return None
        finally:
            queue.close()
        message.ack()
        payload: dict[str, Any] = message.payload
        return payload


def test_the_filesystem_broker_never_redelivers_an_unacknowledged_message(tmp_path: Path) -> None:
    folder = tmp_path / "queue"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "store_processed": False,
        # Kombu keeps its fanout exchanges in ./control unless told otherwise: not in the checkout.
        "control_folder": str(tmp_path / "control"),
    }
    _publish_and_take_unacknowledged("filesystem://", options)
    assert _take("filesystem://", options, timeout=1) is None
    assert list(folder.iterdir()) == []


@pytest.mark.worker
def test_redis_keeps_an_unacknowledged_message_until_its_visibility_timeout() -> None:
    from tests.worker import REDIS_URL

    require(redis_available(), "needs Redis at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).delete("stigar-ack-probe", "unacked", "unacked_index")
    options = {"visibility_timeout": 2}
    _publish_and_take_unacknowledged(REDIS_URL, options)
    assert redis.Redis.from_url(REDIS_URL).hlen("unacked") == 1
    # Before its visibility timeout nobody gets it back...
    with _connect(REDIS_URL, options) as connection:
        connection.default_channel.qos.restore_visible()
    assert _take(REDIS_URL, options, timeout=1) is None
    time.sleep(2.5)
    # ...after it, the restore a Celery worker runs on its event loop puts it back on the queue.
    with _connect(REDIS_URL, options) as connection:
        connection.default_channel.qos.restore_visible()
    assert _take(REDIS_URL, options, timeout=5) == {"batch": 1}
