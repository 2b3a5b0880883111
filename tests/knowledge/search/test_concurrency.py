"""Index writes from several OS processes at once: Whoosh has one writer, ours wait for it and lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from knowledge.search.backend import SearchBackend

WRITER = """
import sys
import django
django.setup()
from knowledge.search.backend import SearchBackend
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
index = SearchBackend({"PATH": path}).get_index_for_model(None)
for i in range(count):
    # One commit per document, like one page save each: the most lock contention there can be.
    with index.writer() as writer:
        writer.update_document(doc_id=f"{name}:{i}", doc_pk=str(i), doc_ct="test", f_title__sv=f"dokument {name} {i}")
"""


def test_two_processes_writing_at_once_lose_no_update(tmp_path: Path) -> None:
    path = str(tmp_path / "search")
    SearchBackend({"PATH": path}).index_status()  # create the index before the race
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "STIGAR_DATA_DIR": str(tmp_path)}
    root = Path(__file__).resolve().parents[3]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, path, name, "60"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("web1", "web2", "worker")
    ]
    outputs = [process.communicate(timeout=240)[0] for process in writers]
    # A writer that failed shows why (lock timeout, a vanished segment file, ...), not just its exit code.
    assert [process.returncode for process in writers] == [0, 0, 0], "\n".join(outputs)

    status = SearchBackend({"PATH": path}).index_status()
    assert status["documents"] == 180
