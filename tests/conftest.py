import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

np.seterr(all="raise")

settings.register_profile(
    "ci",
    derandomize=True,  # seeded: the same examples on every run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    max_examples=60,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def doc_path(tmp_path):
    return tmp_path / "doc.wiretuner"
