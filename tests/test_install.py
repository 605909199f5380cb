"""The two install routes list the same dependencies, and the bootstrap script parses."""
import pathlib
import re
import subprocess
import sys

import tomllib
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONDA_NAMES = {"torch": "pytorch", "psycopg2-binary": "psycopg2"}  # conda-forge's names for the same packages


def split(requirement):
    name, bound = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip()).groups()
    return name.lower(), bound.replace(" ", "")


def test_environment_yml_lists_what_pyproject_lists():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    wanted = [w for w in wanted if not w.startswith(project["name"] + "[")]  # an extra that includes another
    expected = {CONDA_NAMES.get(n, n): b for n, b in map(split, wanted)}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(split(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip")))
    assert conda == expected
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == [f"python{project['requires-python']}"]
    assert {"pip": ["-e ."]} in env["dependencies"], "environment.yml must install the course package itself"


def test_readme_gives_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text()
    assert "python3 bootstrap.py lab" in readme and "python3 bootstrap.py test" in readme
    assert "bootstrap.py test" in (ROOT / ".ci" / "run").read_text()


def test_bootstrap_help_runs_on_the_standard_library_alone():
    out = subprocess.run([sys.executable, "-I", str(ROOT / "bootstrap.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert "lab" in out and "test" in out and "run" in out
