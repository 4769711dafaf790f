"""Every `TRIAGE_*` setting the code reads is in README's Settings table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_read_by_the_code_is_in_the_readme_table():
    read = set()
    for source in [*(ROOT / "triage").rglob("*.py"), *(ROOT / "training").rglob("*.py")]:
        read |= set(re.findall(r"[\"'](TRIAGE_[A-Z_]+)[\"']", source.read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(TRIAGE_[A-Z_]+)`", table))
    assert read, "no setting found: the pattern no longer matches how config.py reads them"
    assert read - documented == set(), "settings missing from README's Settings table"
