"""Fixtures of the security tests: ``people`` (citizens A and B, staff of three departments) and
``world`` (the demo data and citizen A's objects besides)."""

from __future__ import annotations

import pytest

from devstack.demo import seed_all
from tests.unit.security.world import People, World


@pytest.fixture
def people(cognito, client, make_staff, make_citizen):
    return People(client, make_staff, make_citizen)


@pytest.fixture
def world(people):
    seed_all()
    return World(people)
