import json
import os
import subprocess
import urllib.request
import uuid

import pytest

SLIPWAY = os.environ.get("SLIPWAY", "slipway")
COMPOSE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compose.yaml")


def slipway(project, *args):
    return subprocess.run(
        [SLIPWAY, "-f", COMPOSE_FILE, "-p", project, *args],
        check=True, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def stack():
    """The stack, healthy, under a project name of its own; down after the session."""
    project = "test-" + uuid.uuid4().hex[:8]
    try:
        up = slipway(project, "up", "-d", "--wait", "--format", "json")
        services = {entry["Service"]: entry for entry in json.loads(up.stdout)["Services"]}
        yield {"project": project, "services": services}
    finally:
        slipway(project, "down")


def test_web_answers_on_its_published_port(stack):
    address = stack["services"]["web"]["Addresses"]["8000/tcp"]
    assert slipway(stack["project"], "port", "web", "8000").stdout.strip() == address
    with urllib.request.urlopen("http://%s/" % address, timeout=30) as response:
        assert response.read() == b"hello"
