"""What the README promises about the packages matches the packages that were built."""
import re
import zipfile

from conftest import ROOT


def test_the_python_version_in_the_readme_is_the_wheels():
    (wheel,) = sorted((ROOT / "dist" / "python").glob("*.whl"))[-1:]
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(name).decode() for name in archive.namelist() if name.endswith("METADATA"))
    requires = re.search(r"^Requires-Python: >=(\d+\.\d+)$", metadata, re.M).group(1)
    readme = (ROOT / "README.md").read_text()
    stated = set(re.findall(r"Python (\d+\.\d+) or newer", readme))
    assert stated == {requires}


def test_the_install_lines_name_the_built_files():
    readme = (ROOT / "README.md").read_text()
    for built in [*(ROOT / "dist" / "js").glob("*.tgz"), *(ROOT / "dist" / "python").glob("*.whl")]:
        assert f"dist/{built.parent.name}/{built.name}" in readme
