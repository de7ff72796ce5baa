"""SIGKILL a process while it writes, 200 times: nothing acknowledged is lost, nothing half-written shows.

The writer is a forked child (so each kill costs no interpreter start-up) that opens the document
with its own connection, makes random edits, and reports each seq on a pipe only after `apply`
returned, i.e. after the commit was fsynced. The parent kills it at a random moment — while it
opens the file, mid-transaction, between events — then reopens the file and checks it.
"""

import os
import random
import select
import signal
import time

import pytest

from tests.edits import random_edit
from wiretuner_gl.commands.verify import verify
from wiretuner_gl.store import DocumentSession, EventStore

KILLS = 200


def _writer(path, seed, wfd):
    try:
        r = random.Random(seed)
        s = DocumentSession.open(path)
        s.listeners.append(lambda recs: os.write(wfd, f"{recs[-1].seq} {recs[-1].eid}\n".encode()))
        while True:
            random_edit(s, r)
    finally:
        os._exit(0)


def _read_all(rfd) -> str:
    chunks = []
    while select.select([rfd], [], [], 0)[0]:
        b = os.read(rfd, 65536)
        if not b:
            break
        chunks.append(b)
    return b"".join(chunks).decode()


@pytest.mark.fault
@pytest.mark.slow
def test_sigkill_during_writes_loses_no_acknowledged_event(tmp_path):
    path = tmp_path / "killed.wiretuner"
    DocumentSession.create(path).close()
    rnd = random.Random(1234)
    acked: dict[int, str] = {}
    killed_mid_run = 0
    for i in range(KILLS):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(rfd)
            _writer(path, i, wfd)
        os.close(wfd)
        if rnd.random() < 0.8:  # mostly once it is writing: wait for its first acknowledgement
            select.select([rfd], [], [], 5.0)
        time.sleep(rnd.uniform(0.0, 0.02))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        out = _read_all(rfd)
        os.close(rfd)
        for line in out.splitlines():
            if line.count(" ") == 1:  # a line cut by the kill is not an acknowledgement
                seq, eid = line.split()
                acked[int(seq)] = eid
        killed_mid_run += bool(out)

        with EventStore.open(path) as store:  # writable: recovers the WAL as the editor would
            last = store.last_seq()
            assert store.count() == last, "a gap or a half-written event"
            rows = dict(store.raw_rows("SELECT seq, eid FROM events"))
            for seq, eid in acked.items():
                assert rows.get(seq) == eid, f"acknowledged event {seq} lost after kill {i}"
            if i % 20 == 19 or i == KILLS - 1:
                result = verify(store)
                assert result["ok"], result
    with DocumentSession.open(path) as s:
        assert s.seq >= max(acked)  # an event committed just before the kill may be unreported
    assert killed_mid_run > KILLS // 2  # most kills landed while events were being written
    assert len(acked) > KILLS
