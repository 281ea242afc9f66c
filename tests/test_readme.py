"""The README as a new operator reads it (review finding 10): every setting the code
reads is in its Configuration table with the default the code uses, its commands run as
written from a fresh clone, and it links only to files a clone has."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
SOURCES = [*sorted((REPO / "bot").rglob("*.py")), REPO / "gunicorn.conf.py"]
READS = re.compile(r'(?:os\.environ|env)\.get\("([A-Z][A-Z0-9_]+)"|_int\(env, "([A-Z][A-Z0-9_]+)"')
WHOLE_NUMBER_DEFAULT = re.compile(r'_int\(env, "([A-Z][A-Z0-9_]+)",\s*([0-9 *+]+)\)')


def configuration_table() -> dict[str, str]:
    """variable -> its default, from the README's Configuration table."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = {}
    for row in section.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
                table[name] = cells[2]
    return table


def test_every_setting_the_code_reads_is_in_the_configuration_table():
    read = {name for path in SOURCES for match in READS.finditer(path.read_text())
            for name in match.groups() if name}
    assert read, "found no settings in the code"
    missing = sorted(read - set(configuration_table()))
    assert not missing, f"README's Configuration table lacks {missing}"


def test_the_table_states_the_defaults_the_code_uses():
    table = configuration_table()
    source = (REPO / "bot" / "settings.py").read_text()
    checked = 0
    for name, default in WHOLE_NUMBER_DEFAULT.findall(source):
        value = eval(default, {"__builtins__": {}})  # a literal such as 15 * 60
        assert f"`{value}`" in table[name], \
            f"{name}: the code's default is {value}, the README says {table[name]!r}"
        checked += 1
    assert checked >= 10
    assert table["TRUSTED_PROXY_HOPS"].startswith("`0`")
    assert table["BIND"].startswith("`127.0.0.1:$PORT`")


def test_the_quick_start_runs_from_a_fresh_clone():
    start = README.split("## Configuration", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    commands = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    bare = [c for c in commands if re.match(r"python3? -m bot\b", c)]
    assert not bare, f"these need .venv/bin/python: {bare}"
    assert "http://127.0.0.1:5005/staff/" in start  # where the console is
    assert "staff add" in start  # and how to get in
    assert "chromium" in start.lower()  # what the browser test needs


def test_the_readme_links_only_to_files_a_clone_has():
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    paths = [t for t in targets if not re.match(r"[a-z]+://", t)]
    for target in paths:
        assert not target.startswith("../"), f"{target} is outside the repository"
        assert (REPO / target).exists(), f"{target} does not exist"
    assert "../shared" not in README
