"""The lock files scripts/bootstrap installs from agree with pyproject.toml: every dependency
(every extra) is pinned there, at a version its specifier allows, with hashes. A dependency
added to pyproject.toml without running `bash scripts/lock` fails here, not on a new machine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements" / "lock-py311.txt"
BUILD_LOCK = REPO / "requirements" / "build-py311.txt"

#: the platform the lock is made for (scripts/lock): Debian 12's CPython 3.11 on x86_64
LOCK_ENVIRONMENT = {
    **default_environment(),
    "python_version": "3.11",
    "python_full_version": "3.11.2",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def read_lock(path: Path) -> dict[str, tuple[Version, int]]:
    """Each pinned package's version and how many hashes vouch for it."""
    pins: dict[str, tuple[Version, int]] = {}
    name = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _PIN.match(line):
            name = canonicalize_name(match[1])
            assert name not in pins, f"{name} pinned twice in {path.name}"
            pins[name] = (Version(match[2]), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{path.name}: not a pinned requirement: {line!r}")
    return pins


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(text) for text in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        wanted += [Requirement(text) for text in extra]
    return [r for r in wanted if r.marker is None or r.marker.evaluate(LOCK_ENVIRONMENT)]


def test_every_dependency_is_pinned_at_an_allowed_version() -> None:
    pins = read_lock(LOCK)
    for requirement in project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {LOCK.name}: run `bash scripts/lock`"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{LOCK.name} pins {name}=={version}, outside {requirement}: run `bash scripts/lock`"
        )


def test_every_pin_has_hashes() -> None:
    for path in (LOCK, BUILD_LOCK):
        for name, (version, hashes) in read_lock(path).items():
            assert hashes > 0, f"{path.name}: {name}=={version} has no hash"


def test_build_tools_match_the_lock_and_build_the_project() -> None:
    pins, build = read_lock(LOCK), read_lock(BUILD_LOCK)
    assert {"pip", "setuptools"} <= build.keys()
    if "setuptools" in pins:
        assert build["setuptools"][0] == pins["setuptools"][0]
    system = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    for text in system["requires"]:
        requirement = Requirement(text)
        version, _ = build[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{BUILD_LOCK.name}: {requirement}"
