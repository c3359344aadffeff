"""Fixtures for the Python suite: a fresh virtualenv with the built wheel and aws-cdk-lib from PyPI."""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = pathlib.Path(__file__).resolve().parent / "apps"


def cdk_version():
    """The aws-cdk-lib version the library is built and tested against (package.json)."""
    package = json.loads((ROOT / "package.json").read_text())
    return package["devDependencies"]["aws-cdk-lib"]


@pytest.fixture(scope="session")
def wheel_python(tmp_path_factory):
    """The interpreter of a new virtualenv that has only the wheel and its dependencies."""
    wheels = sorted((ROOT / "dist" / "python").glob("*.whl"))
    assert wheels, "no wheel in dist/python: run `npx projen package:python` first"
    env_dir = tmp_path_factory.mktemp("wheel-venv")
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(wheels[-1]), f"aws-cdk-lib=={cdk_version()}"],
        check=True,
    )
    return python


def run_app(python, name):
    """Runs test/python/apps/<name>.py in the wheel's virtualenv and parses the JSON it prints."""
    result = subprocess.run(
        [str(python), str(APPS / f"{name}.py")], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(result.stdout)


def simulate(policy, requests):
    """The pinned IAM simulator's decisions (test/oracle.ts) on a trust policy for web-identity requests."""
    result = subprocess.run(
        ["npx", "ts-node", "--transpile-only", "-P", "tsconfig.dev.json", "test/oracle-cli.ts"],
        input=json.dumps({"policy": policy, "requests": requests}), check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(result.stdout)
