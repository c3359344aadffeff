"""PyYAML, the YAML 1.1 reader cfn-lint uses, reads back the data of every sample the
TypeScript suite wrote as YAML (test/yaml.test.ts), with its pure-Python and its libyaml
loader, and through cfn-lint's own template loader."""
import json

import pytest
import yaml
from cfnlint.decode import cfn_yaml

from conftest import ROOT

CASES = ROOT / "test-reports" / "yaml" / "cases.json"
MIN_CASES = 1000
LOADERS = {"SafeLoader": yaml.SafeLoader}
if getattr(yaml, "__with_libyaml__", False):
    LOADERS["CSafeLoader"] = yaml.CSafeLoader


def cases():
    return json.loads(CASES.read_text(encoding="utf-8")) if CASES.exists() else []


def test_the_typescript_suite_left_samples_to_read():
    assert len(cases()) >= MIN_CASES


@pytest.mark.parametrize("loader", LOADERS)
def test_pyyaml_reads_back_what_was_written(loader):
    wrong = []
    for case in cases():
        try:
            read = yaml.load(case["yaml"], Loader=LOADERS[loader])
        except yaml.YAMLError as error:
            read = f"error: {error}"
        if read != case["value"] or type(read) is not type(case["value"]):
            wrong.append((case["yaml"], case["value"], read))
    assert wrong[:5] == []


def test_cfn_lint_reads_back_every_mapping_that_was_written():
    wrong = []
    for case in cases():
        if not isinstance(case["value"], dict) or not case["value"]:
            continue
        read = cfn_yaml.loads(case["yaml"])
        if json.loads(json.dumps(read)) != case["value"]:
            wrong.append((case["yaml"], case["value"], read))
    assert wrong[:5] == []
