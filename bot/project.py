"""Where a Rasa project's files live and how they are read: config, domain, data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ProjectError(ValueError):
    """A project file is missing or malformed; the message names the file."""


# libyaml's loader where PyYAML was built with it (its wheels are): the same documents, read
# about ten times faster, which every process pays for at start (domain, data, sets).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """yaml.safe_load, with libyaml when it is there."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader


def read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ProjectError(f"{path}: file not found")
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path}: not valid YAML: {exc}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ProjectError(f"{path}: expected a mapping at the top level")
    return document


@dataclass(frozen=True)
class Project:
    """A Rasa 3 project directory: config.yml, domain.yml, data/ and tests/."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "config.yml"

    @property
    def domain_path(self) -> Path:
        return self.root / "domain.yml"

    @property
    def data_files(self) -> list[Path]:
        return sorted((self.root / "data").glob("*.yml"))

    @property
    def test_stories_path(self) -> Path:
        return self.root / "tests" / "test_stories.yml"

    def files_with(self, key: str) -> list[Path]:
        """Data files whose top level has `key` (nlu, rules or stories), as Rasa reads them."""
        return [path for path in self.data_files if key in read_yaml(path)]

    def config(self) -> dict[str, Any]:
        return read_yaml(self.config_path)

    def nlu_fingerprint(self) -> str:
        """A hash of everything the NLU model is trained from."""
        digest = hashlib.sha256(b"nlu-model-v1\n")
        for path in [self.config_path, *self.files_with("nlu")]:
            digest.update(path.name.encode() + b"\n" + path.read_bytes() + b"\n")
        return digest.hexdigest()[:16]
