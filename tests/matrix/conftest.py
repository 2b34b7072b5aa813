"""Matrix tests run against the real Synapse started in tests/conftest.py."""

import pytest

pytestmark = pytest.mark.synapse
