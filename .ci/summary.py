"""Prints one line that totals JUnit XML reports (jest, pytest, Maven Surefire, gotestsum):
'Tests: N passed, N failed, N skipped'.

Each argument is a report's path or a glob pattern (quote it), such as
'test-reports/java/TEST-*.xml' for Surefire's one report per test class.

A report that is missing, unreadable or holds no test case counts as one failure, and so
does a pattern that matches no file, so a suite that never ran cannot look green.

Go's subtests: gotestsum reports a test function that has subtests as a test case of its
own besides each subtest ('TestX' and 'TestX/case'). Such a parent is not counted when it
passed or when one of its subtests failed (its result is theirs); it is counted when it
failed while all its subtests passed.
"""
import glob
import sys
import xml.etree.ElementTree as ET


def outcome(case):
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def count(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"{path}: no test report ({error})")
        return 0, 1, 0
    cases = [(case.get("classname", ""), case.get("name", ""), outcome(case)) for case in root.iter("testcase")]
    if not cases:
        print(f"{path}: no test case in the report")
        return 0, 1, 0
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for classname, name, result in cases:
        children = [r for c, n, r in cases if c == classname and n.startswith(name + "/")]
        if children and (result == "passed" or "failed" in children):
            continue
        totals[result] += 1
    print(f"{path}: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return totals["passed"], totals["failed"], totals["skipped"]


def reports(arguments):
    for argument in arguments:
        if glob.has_magic(argument):
            matches = sorted(glob.glob(argument))
            if not matches:
                print(f"{argument}: no test report matches")
                yield None
            yield from matches
        else:
            yield argument


counts = [count(path) if path is not None else (0, 1, 0) for path in reports(sys.argv[1:])]
totals = [sum(column) for column in zip(*counts)] if counts else [0, 1, 0]
print(f"Tests: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
sys.exit(1 if totals[1] else 0)
