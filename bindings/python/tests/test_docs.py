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
    assert "skipped not_a_log.bin" in p.stderr


def test_guide_names_only_real_api():
    import libdiag
    text = GUIDE.read_text(encoding="utf-8")
    for name in set(re.findall(r"libdiag\.([A-Za-z_]+)", text)):
        if name in ("so", "pc", "h", "html"):
            continue
        assert hasattr(libdiag, name) or name in ("session",), name


def live_use_blocks():
    section = GUIDE.read_text(encoding="utf-8").split("## Live use", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_live_use_agent_prints_one_json_line_per_alert(tmp_path, capsys):
    import json

    import libdiag
    agent, builder = live_use_blocks()
    compile(builder, "builder-example", "exec")  # it needs the caller's event reader to run
    namespace = {"__name__": "agent"}
    exec(compile(agent, "agent-example", "exec"), namespace)
    with libdiag.KnowledgeBase() as kb, libdiag.Session(kb, on_finding=namespace["alert"]) as s:
        s.feed_file(E2E / "article.log")
    (line,) = capsys.readouterr().out.splitlines()
    alert = json.loads(line)
    assert alert["event"] == "new" and alert["finding"]["id"] == "duet-rh-401-5-temp-acl"
