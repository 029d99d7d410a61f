"""The guide's complete example (docs/python.md) runs and finds the Duet problem."""

import os
import re
import subprocess
import sys

from conftest import BINDING, E2E, REPO

GUIDE = REPO / "docs" / "python.md"


def example() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## A complete example", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_complete_example_scans_a_folder(tmp_path):
    script = tmp_path / "scan.py"
    script.write_text(example())
    env = dict(os.environ, PYTHONPATH=str(BINDING))
    p = subprocess.run([sys.executable, str(script), str(E2E)], capture_output=True, text=True,
                       env=env, timeout=120)
    assert p.returncode == 1, p.stderr
    assert "== Duet 1.5 Request Handler PROPPATCH requests fail with HTTP 401.5" in p.stdout
    assert "fix 1: Give the impersonated account rights on the system TMP folder" in p.stdout
    assert "exchange_day.log:" in p.stdout and "set aside: anonymous-challenge" in p.stdout
    assert "skipped not_a_log.txt" in p.stderr


def test_guide_names_only_real_api():
    import libdiag
    text = GUIDE.read_text(encoding="utf-8")
    for name in set(re.findall(r"libdiag\.([A-Za-z_]+)", text)):
        if name in ("so", "pc", "h", "html"):
            continue
        assert hasattr(libdiag, name) or name in ("session",), name
