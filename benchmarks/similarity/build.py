"""Turn the hand-written lists in `src/*.txt` into the evaluation set `*.json`.

Source format: a `# title` line, then ideas separated by blank lines; every line of an
idea is one post (what one room typed), so posts of one block share a gold cluster. A
block of one line is an idea only one room had. Posts of one cluster are put in
different rooms, as in a real session.

    python -m benchmarks.similarity.build
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Thresholds are tuned on DEV lists only; HELD_OUT lists are reported, never tuned on.
SPLIT = {
    "osl-katowice": "dev",
    "wypalenie": "dev",
    "sasiedztwo": "dev",
    "otwieranie-2021": "held-out",
    "seniorzy": "held-out",
    "mlodziez": "held-out",
    "community-en": "held-out",
}
ROOMS = 8


def parse(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].removeprefix("#").strip()
    blocks: list[list[str]] = [[]]
    for line in lines[1:]:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    posts = []
    for cluster, block in enumerate(b for b in blocks if b):
        for k, text in enumerate(block):
            room = (cluster * 5 + k * 3) % ROOMS + 1  # 3 is coprime with 8: distinct rooms
            posts.append({"id": len(posts) + 1, "room": room, "text": text, "cluster": cluster})
    return {"name": path.stem, "title": title, "split": SPLIT[path.stem], "posts": posts}


def main() -> None:
    for src in sorted((HERE / "src").glob("*.txt")):
        data = parse(src)
        out = HERE / f"{src.stem}.json"
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{out.name}: {len(data['posts'])} posts, {data['split']}")


if __name__ == "__main__":
    main()
