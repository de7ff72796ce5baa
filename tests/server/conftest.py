import pytest

from wiretuner_gl.server import ServerConfig, TokenAuthority
from wiretuner_gl.server.runner import GatewayThread

from ._procs import SECRET, GatewayProcess, Postgres, Redis


@pytest.fixture(scope="session")
def authority():
    return TokenAuthority(SECRET)


@pytest.fixture(scope="module")
def sqlite_gateway(tmp_path_factory, authority):
    """An in-process gateway on loopback over a SQLite file (the default setup)."""
    d = tmp_path_factory.mktemp("gw")
    gw = GatewayThread(ServerConfig(port=0, database=str(d / "server.sqlite"), sqlite_synchronous="NORMAL",
                                    max_message=64 * 1024, rate=400, burst=800), authority).start()
    yield gw
    gw.stop()


@pytest.fixture(scope="session")
def postgres():
    pg = Postgres()
    yield pg
    pg.stop()


@pytest.fixture(scope="session")
def redis_server():
    r = Redis()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def two_gateways(postgres, redis_server):
    """Two `wiretuner serve` processes on one PostgreSQL database, fanned out through Redis."""
    gws = [GatewayProcess(postgres.url, redis_server.url) for _ in range(2)]
    yield gws
    for g in gws:
        g.stop()
