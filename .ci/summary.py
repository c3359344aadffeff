"""Prints one line that totals the JUnit reports of jest and pytest: 'Tests: N passed, N failed, N skipped'.

A report that is missing counts as one failure, so a suite that never ran cannot look green.
"""
import sys
import xml.etree.ElementTree as ET


def count(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"{path}: no test report ({error})")
        return 0, 1, 0
    cases = root.iter("testcase")
    passed = failed = skipped = 0
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    print(f"{path}: {passed} passed, {failed} failed, {skipped} skipped")
    return passed, failed, skipped


totals = [sum(column) for column in zip(*(count(path) for path in sys.argv[1:]))]
print(f"Tests: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
sys.exit(1 if totals[1] else 0)
