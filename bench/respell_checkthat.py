"""Write a copy of CheckThat! 2021 2B whose ids and transcript names spell dates as 2019_oct_03.

Other releases of the task spell them so; `flask eval matching` on the copy must read the same
speakers, dates and contexts as on the original (bench/README.md).

    .venv/bin/python -m bench.respell_checkthat /tmp/checkthat2021-2b-respelled
"""

from __future__ import annotations

import argparse
import re
import shutil
from datetime import datetime
from pathlib import Path

from bench.datasets import DATA, require

ROOT = Path(__file__).resolve().parents[1]

COMPACT_DATE = re.compile(r"^(\d{8})")


def respell(name: str) -> str:
    """Return NAME with a leading 20160926 spelled 2016_sep_26."""
    return COMPACT_DATE.sub(
        lambda m: datetime.strptime(m.group(1), "%Y%m%d").strftime("%Y_%b_%d").lower(), name
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    source = require(DATA / "checkthat2021-2b")
    transcripts = args.output / "transcripts-train-dev"
    transcripts.mkdir(parents=True, exist_ok=True)
    for path in sorted((source / "transcripts-train-dev").glob("*.tsv")):
        shutil.copy(path, transcripts / f"{respell(path.stem)}.tsv")
    for name in ("iclaims-train-dev.queries.tsv", "qrels-train.tsv", "qrels-dev.tsv"):
        lines = (source / name).read_text("utf-8").splitlines()
        (args.output / name).write_text("".join(f"{respell(line)}\n" for line in lines), "utf-8")
    print(
        f"wrote {args.output}: ids and transcripts like "
        f"{sorted(p.name for p in transcripts.iterdir())[0]}"
    )


if __name__ == "__main__":
    main()
