"""Summarise a junit report by page (`make test-latest`): which pages and tests break.

Exit status 1 when anything failed, so the target can be used in a scheduled job.
"""

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def main(report_path: str) -> int:
    broken = defaultdict(list)
    total = 0
    for case in ET.parse(report_path).getroot().iter("testcase"):
        total += 1
        problem = case.find("failure") if case.find("failure") is not None else case.find("error")
        if problem is None:
            continue
        where = case.get("file") or case.get("classname", "").replace(".", "/")
        message = (problem.get("message") or "").splitlines()[0][:160] if problem.get("message") else ""
        broken[where].append(f"{case.get('name')}: {message}")
    if not broken:
        print(f"test-latest: all {total} items pass with the newest releases")
        return 0
    print(f"test-latest: {sum(map(len, broken.values()))} of {total} items break, in {len(broken)} files:")
    for where in sorted(broken):
        print(f"  {where}")
        for line in broken[where][:5]:
            print(f"      {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
