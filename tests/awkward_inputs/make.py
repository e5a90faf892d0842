#!/usr/bin/env python3
"""Makes the awkward but valid inputs of tests/awkward_inputs/ from the clean sample, as spreadsheets
export them: a UTF-8 byte-order mark, Windows line endings, every field quoted, a line break inside a
free-text field (a project's title), columns in another order, trailing blank lines and the empty
rows (",,,,") spreadsheets add; and the sample as JSON saved with a byte-order mark. Each must give the same output as the clean file (tests/bad_inputs.rs).

Run from anywhere: python3 tests/awkward_inputs/make.py  (standard library only; deterministic).
"""

import csv
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "datasets", "sample")


def read(name):
    with open(os.path.join(SAMPLE, name), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def render(rows, crlf=False, quote_all=False, bom=False, trailer=""):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n" if crlf else "\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerows(rows)
    text = out.getvalue() + trailer
    return ("\ufeff" if bom else "") + text


def reorder(rows, order):
    return [[row[i] for i in order] for row in rows]


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        f.write(text)


def variants(prefix, rows, free_text_column=None):
    n = len(rows[0])
    empty_rows = ",".join([""] * n)
    write(f"{prefix}_bom.csv", render(rows, bom=True))
    write(f"{prefix}_crlf.csv", render(rows, crlf=True))
    write(f"{prefix}_quoted.csv", render(rows, quote_all=True))
    write(f"{prefix}_trailing_blank_lines.csv", render(rows, trailer="\n\n   \n"))
    # Columns reversed, then rotated: nothing left where it was.
    order = list(reversed(range(n)))
    order = order[1:] + order[:1]
    write(f"{prefix}_reordered.csv", render(reorder(rows, order)))
    # Excel's "CSV UTF-8": byte-order mark, CRLF, quotes where needed, empty rows at the end.
    excel = rows
    if free_text_column is not None:
        col = rows[0].index(free_text_column)
        # A line break inside a quoted free-text field (the title is not part of the output).
        excel = [rows[0]] + [r[:col] + [r[col].replace(" ", "\r\n", 1)] + r[col + 1:] for r in rows[1:]]
    write(f"{prefix}_excel.csv", render(excel, crlf=True, bom=True, trailer=(empty_rows + "\r\n") * 3))
    # All at once: reordered, quoted, CRLF, byte-order mark, blank lines.
    write(f"{prefix}_everything.csv",
          render(reorder(excel, order), crlf=True, quote_all=True, bom=True, trailer="\r\n\r\n"))


def json_variant(prefix, key, rows, lists):
    """The file as a JSON document, as a Windows editor saves it: byte-order mark, CRLF, list fields as
    arrays (the others as strings), empty cells left out."""
    header, items = rows[0], []
    for r in rows[1:]:
        item = {}
        for name, value in zip(header, r):
            if value == "":
                continue
            item[name] = [v for v in value.split(";") if v] if name in lists else value
        items.append(item)
    text = json.dumps({key: items}, ensure_ascii=False, indent=2).replace("\n", "\r\n") + "\r\n"
    write(f"{prefix}_bom.json", "\ufeff" + text)


def preferences():
    """A clean preferences file over the sample's first projects and partners, and their capacities."""
    projects = [r[0] for r in read("projects.csv")[1:13]]
    partners = [r[0] for r in read("partners.csv")[1:9]]
    rows = [["chooser", "chosen", "rank", "side"]]
    for i, p in enumerate(projects):
        for k in range(4):
            rows.append([p, partners[(i + 3 * k) % len(partners)], str(k + 1), "project"])
    for j, q in enumerate(partners):
        for k in range(5):
            rows.append([q, projects[(5 * j + 7 * k) % len(projects)], str(k + 1), "partner"])
    caps = [["partner", "capacity", "hours"]] + [[q, str(1 + j % 3), str(4 + j)] for j, q in enumerate(partners)]
    os.makedirs(os.path.join(HERE, "clean"), exist_ok=True)
    write(os.path.join("clean", "preferences.csv"), render(rows))
    write(os.path.join("clean", "capacities.csv"), render(caps))
    return rows


variants("projects", read("projects.csv"), free_text_column="title")
variants("partners", read("partners.csv"))
json_variant("projects", "projects", read("projects.csv"), {"industries", "skills", "must"})
json_variant("partners", "partners", read("partners.csv"), {"industries", "skills", "frameworks", "ip"})
variants("preferences", preferences())
