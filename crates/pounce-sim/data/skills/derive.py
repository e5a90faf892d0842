#!/usr/bin/env python3
"""Derive Pounce's sector skills vocabulary from O*NET 29.2.

Usage:
    python3 datasets/skills/derive.py /work/shared/data/skills datasets/skills

Inputs (raw folder):
    onet_technology_skills.tsv         O*NET 29.2 "Technology Skills.txt"
    onet_skill_knowledge_elements.tsv  O*NET 29.2 content-model rows 2.A/2.B/2.C
Inputs (output folder):
    sector_occupations.csv             hand-made NAICS sector -> SOC major group weights
Outputs (output folder):
    sector_skills.csv                  sector,skill,weight
    skills.csv                         skill,label,source

Standard library only; the output is deterministic (no randomness, every
iteration is over sorted keys, ties are broken by the skill tag).
"""

import csv
import html
import os
import re
import sys
from collections import defaultdict

# NAICS 2022 sectors, in the order of the `sector` column of naics2022.csv.
SECTOR_ORDER = [
    "11", "21", "22", "23", "31-33", "42", "44-45", "48-49", "51", "52",
    "53", "54", "55", "56", "61", "62", "71", "72", "81", "92",
]

# An occupation listing a Hot Technology example counts 1; a non-hot example
# counts NON_HOT_FACTOR ("prefer Hot Technology = Y").
NON_HOT_FACTOR = 0.5
# Non-hot tags must be listed by at least this many occupations of the
# sector's mapped SOC groups (drops one-off vendor products).
MIN_SUPPORT_NON_HOT = 2
# ... and by at least this share of the occupations of one mapped SOC group.
MIN_GROUP_SHARE_NON_HOT = 0.10
# Technology tags kept per sector (plus the knowledge areas): the N_BY_SCORE
# highest-weighted tags, then N_BY_LIFT more chosen by lift (weight in this
# sector / mean weight over all 20 sectors) so that sector-specific tools
# (farm, EMR, point-of-sale software...) make it in next to the office suite
# every occupation lists. Lift only selects; the weight is always the score.
N_BY_SCORE = 40
N_BY_LIFT = 20
# Share of each sector's total weight given to its O*NET knowledge areas,
# split evenly between the areas listed for the sector.
KNOWLEDGE_SHARE = 0.15
MAX_TAG_LEN = 40

# Generic O*NET "examples" that are software categories without any skill
# content (everybody uses a browser). Dropped before scoring.
GENERIC_EXCLUDE = {
    "Web browser software",
    "Internet browser software",
    "Email software",
    "Operating system software",
    "Microsoft operating system",
    "Microsoft Internet Explorer",
    "Netscape Navigator",
    "Image scanning software",
    "Online databases",
    "Operational databases",
    "Information presentation software",
}

# Hand-made aliases for common long or vendor-prefixed O*NET names.
# Names not listed here go through normalise_generic().
ALIASES = {
    "Microsoft Office software": "microsoft office",
    "Structured query language SQL": "sql",
    "Structure query language SQL": "sql",
    "Oracle Java": "java",
    "The MathWorks MATLAB": "matlab",
    "MathWorks Simulink": "simulink",
    "Autodesk AutoCAD": "autocad",
    "Autodesk AutoCAD Civil 3D": "autocad civil 3d",
    "Autodesk Revit": "revit",
    "Autodesk Maya": "maya",
    "Dassault Systemes SolidWorks": "solidworks",
    "Dassault Systemes CATIA": "catia",
    "PTC Creo Parametric": "creo parametric",
    "Bentley MicroStation": "microstation",
    "Trimble SketchUp Pro": "sketchup",
    "National Instruments LabVIEW": "labview",
    "ESRI ArcGIS software": "arcgis",
    "Esri ArcGIS": "arcgis",
    "ESRI ArcView": "arcview",
    "ESRI ArcInfo": "arcinfo",
    "Geographic information system GIS systems": "gis",
    "Geographic information system GIS software": "gis",
    "IBM SPSS Statistics": "spss",
    "StataCorp Stata": "stata",
    "Wolfram Research Mathematica": "mathematica",
    "Intuit QuickBooks": "quickbooks",
    "Intuit QuickBooks Point of Sale": "quickbooks point of sale",
    "Oracle PeopleSoft": "peoplesoft",
    "Oracle PeopleSoft Financials": "peoplesoft financials",
    "Oracle JD Edwards EnterpriseOne": "jd edwards enterpriseone",
    "Oracle Primavera Enterprise Project Portfolio Management": "primavera",
    "Oracle Primavera Systems": "primavera",
    "Oracle Business Intelligence Enterprise Edition": "oracle bi enterprise edition",
    "Oracle JavaServer Pages JSP": "jsp",
    "Oracle Java 2 Platform Enterprise Edition J2EE": "java ee",
    "Oracle PL/SQL": "pl/sql",
    "Epic Systems": "epic",
    "eClinicalWorks EHR software": "eclinicalworks",
    "Salesforce.com Salesforce CRM": "salesforce",
    "Qlik Tech QlikView": "qlikview",
    "Blackbaud The Raiser's Edge": "raiser's edge",
    "Microsoft Visual Basic for Applications VBA": "vba",
    "Microsoft Visual Basic Scripting Edition VBScript": "vbscript",
    "Microsoft SQL Server Reporting Services SSRS": "ssrs",
    "Microsoft SQL Server Integration Services SSIS": "ssis",
    "Microsoft Active Server Pages ASP": "asp",
    "Microsoft Office SharePoint Server MOSS": "microsoft sharepoint",
    "Extensible markup language XML": "xml",
    "Hypertext markup language HTML": "html",
    "JavaScript Object Notation JSON": "json",
    "Extensible hypertext markup language XHTML": "xhtml",
    "Dynamic hypertext markup language DHTML": "dhtml",
    "Common business oriented language COBOL": "cobol",
    "Formula translation/translator FORTRAN": "fortran",
    "Voice over internet protocol VoIP system software": "voip",
    "Apache Subversion SVN": "subversion",
    "Amazon Web Services AWS software": "aws",
    "Amazon Web Services AWS CloudFormation": "aws cloudformation",
    "Amazon Elastic Compute Cloud EC2": "amazon ec2",
    "Amazon Simple Storage Service S3": "amazon s3",
    "Microsoft Azure software": "azure",
    "Google Workspace software": "google workspace",
    "Adobe Creative Cloud software": "adobe creative cloud",
    "Leica Geosystems ERDAS IMAGINE": "erdas imagine",
    "Mastercam computer-aided design and manufacturing software": "mastercam",
    "CNC Mastercam": "mastercam",
    "Patient electronic medical record EMR software": "emr",
    "Electronic medical record EMR software": "emr",
    "Electronic health record EHR software": "ehr",
    "Healthcare common procedure coding system HCPCS": "hcpcs",
    "National Crime Information Center (NCIC) database": "ncic database",
    "Integrated Automated Fingerprint Identification System IAFIS": "iafis",
    "Computer aided design and drafting CADD software": "cadd",
    "Computer aided design and drafting software CADD": "cadd",
    "Spreadsheet software": "spreadsheets",
    "Statistical software": "statistical software",
    "Educational software": "educational software",
    "Children's educational software": "children's educational software",
    "Tax software": "tax software",
    "Practice management software PMS": "practice management",
    "Very high-speed integrated circuit VHSIC hardware description language VHDL": "vhdl",
    "BCS Woodlands Software The Logger Tracker": "logger tracker",
    "Valley Agricultural Software DairyCOMP 305": "dairycomp 305",
    "BCL Landview Systems WinCrop": "wincrop",
    "Farm Works Software Trac": "farm works trac",
    "Centers for Disease Control and Prevention CDC WONDER": "cdc wonder",
    "Centers for Disease Control and Prevention Epi Info": "epi info",
    "The CAD Zone The Crime Zone": "the crime zone",
    "IBM Lotus Notes": "ibm notes",
    "Inventory management systems": "inventory management",
}

# Hand-made: O*NET knowledge areas (kind=knowledge, leaf elements) per sector.
SECTOR_KNOWLEDGE = {
    "11": ["Food Production", "Biology", "Geography", "Chemistry"],
    "21": ["Engineering and Technology", "Mechanical", "Physics", "Chemistry",
           "Public Safety and Security"],
    "22": ["Engineering and Technology", "Physics", "Mechanical",
           "Public Safety and Security"],
    "23": ["Building and Construction", "Design", "Mechanical",
           "Engineering and Technology", "Public Safety and Security"],
    "31-33": ["Production and Processing", "Engineering and Technology",
              "Mechanical", "Design", "Chemistry"],
    "42": ["Sales and Marketing", "Customer and Personal Service",
           "Transportation", "Economics and Accounting"],
    "44-45": ["Sales and Marketing", "Customer and Personal Service",
              "Administrative", "Economics and Accounting"],
    "48-49": ["Transportation", "Geography", "Public Safety and Security",
              "Customer and Personal Service"],
    "51": ["Computers and Electronics", "Communications and Media",
           "Telecommunications", "Design", "English Language"],
    "52": ["Economics and Accounting", "Mathematics", "Law and Government",
           "Customer and Personal Service", "Sales and Marketing"],
    "53": ["Sales and Marketing", "Customer and Personal Service",
           "Law and Government", "Economics and Accounting",
           "Building and Construction"],
    "54": ["Computers and Electronics", "Engineering and Technology",
           "Mathematics", "Design", "Law and Government"],
    "55": ["Administration and Management", "Economics and Accounting",
           "Personnel and Human Resources", "Administrative"],
    "56": ["Administrative", "Customer and Personal Service",
           "Personnel and Human Resources", "Public Safety and Security"],
    "61": ["Education and Training", "English Language", "Psychology",
           "Mathematics"],
    "62": ["Medicine and Dentistry", "Therapy and Counseling", "Psychology",
           "Biology", "Chemistry"],
    "71": ["Fine Arts", "Communications and Media",
           "Customer and Personal Service", "History and Archeology",
           "Sales and Marketing"],
    "72": ["Customer and Personal Service", "Food Production",
           "Sales and Marketing", "Administration and Management"],
    "81": ["Mechanical", "Customer and Personal Service",
           "Philosophy and Theology", "Sociology and Anthropology"],
    "92": ["Law and Government", "Public Safety and Security",
           "Administration and Management", "Economics and Accounting",
           "Geography"],
}

ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9]+$")
TRAILING_STOP = {"and", "of", "for", "the", "to", "with", "&", "-"}
ACRONYM_SKIP = {"and", "of", "for", "the", "to", "software"}


def clean_text(s):
    """Lowercase, drop separator characters, collapse whitespace."""
    s = html.unescape(s)
    for ch in ";:,\"()[]":
        s = s.replace(ch, " ")
    return " ".join(s.lower().split())


def truncate(s):
    if len(s) <= MAX_TAG_LEN:
        return s
    cut = s[:MAX_TAG_LEN + 1]
    cut = cut[:cut.rfind(" ")] if " " in cut else s[:MAX_TAG_LEN]
    words = cut.split()
    while len(words) > 1 and words[-1] in TRAILING_STOP:
        words.pop()
    return " ".join(words)


def collapse_acronym(tokens):
    """'Structured query language SQL' -> ['SQL'].

    If the last token is an upper-case acronym spelled by the initials of the
    words just before it (connectives such as 'and'/'of' may be skipped), the
    spelled-out words are dropped and words before them are kept:
    'Microsoft SQL Server Reporting Services SSRS' -> 'Microsoft SSRS'.
    """
    if len(tokens) < 2 or not ACRONYM_RE.match(tokens[-1]):
        return tokens
    letters = tokens[-1].lower()
    i = len(tokens) - 2
    j = len(letters) - 1
    while j >= 0 and i >= 0:
        w = tokens[i].lower()
        if w[0] == letters[j]:
            j -= 1
            i -= 1
        elif w in ACRONYM_SKIP:
            i -= 1
        else:
            return tokens
    if j >= 0:
        return tokens
    return tokens[:i + 1] + [tokens[-1]]


def normalise_generic(name):
    s = html.unescape(name).strip()
    for ch in ";:,\"()[]":
        s = s.replace(ch, " ")
    tokens = s.split()
    if len(tokens) > 1 and tokens[-1].lower() == "software":
        tokens = tokens[:-1]
    tokens = collapse_acronym(tokens)
    return truncate(clean_text(" ".join(tokens)))


def normalise(name):
    if name in ALIASES:
        return ALIASES[name]
    return normalise_generic(name)


def check_tag(tag):
    assert tag, "empty tag"
    assert tag == " ".join(tag.split()), tag
    assert tag == tag.lower(), tag
    assert not any(ch in tag for ch in ";:,"), tag
    assert len(tag) <= MAX_TAG_LEN, tag


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_sector_occupations(path):
    sectors = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["sector", "soc_major", "weight"], reader.fieldnames
        for row in reader:
            sectors[row["sector"]].append((row["soc_major"], float(row["weight"])))
    assert sorted(sectors) == sorted(SECTOR_ORDER), sorted(sectors)
    for sector, groups in sectors.items():
        assert 2 <= len(groups) <= 5, sector
        assert len({g for g, _ in groups}) == len(groups), sector
        assert abs(sum(w for _, w in groups) - 1.0) < 1e-9, sector
        assert all(w > 0 for _, w in groups), sector
    return sectors


def round_to_micro(weights):
    """Largest-remainder rounding of weights (summing to 1) to 6 decimals."""
    total = 1_000_000
    raw = {k: v * total for k, v in weights.items()}
    micro = {k: int(v) for k, v in raw.items()}
    rest = total - sum(micro.values())
    order = sorted(raw, key=lambda k: (-(raw[k] - micro[k]), k))
    for k in order[:rest]:
        micro[k] += 1
    assert sum(micro.values()) == total
    assert all(v > 0 for v in micro.values()), "weight rounds to zero"
    return micro


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    raw_dir, out_dir = argv[1], argv[2]

    tech_rows = read_tsv(os.path.join(raw_dir, "onet_technology_skills.tsv"))
    elements = read_tsv(os.path.join(raw_dir, "onet_skill_knowledge_elements.tsv"))
    sectors = read_sector_occupations(os.path.join(out_dir, "sector_occupations.csv"))

    # --- technology examples -> tags -------------------------------------
    name_count = defaultdict(int)          # example name -> rows (occupations)
    tag_of = {}
    group_occs = defaultdict(set)          # SOC major -> occupations with tech rows
    # (group, tag) -> {occupation: factor}
    listing = defaultdict(dict)
    hot_tag = defaultdict(bool)
    for r in tech_rows:
        occ = r["O*NET-SOC Code"]
        name = r["Example"].strip()
        group = occ[:2]
        group_occs[group].add(occ)
        if name in GENERIC_EXCLUDE:
            continue
        if name not in tag_of:
            tag_of[name] = normalise(name)
            check_tag(tag_of[name])
        tag = tag_of[name]
        name_count[name] += 1
        hot = r["Hot Technology"] == "Y"
        hot_tag[tag] = hot_tag[tag] or hot
        f = 1.0 if hot else NON_HOT_FACTOR
        cur = listing[(group, tag)].get(occ, 0.0)
        listing[(group, tag)][occ] = max(cur, f)

    # label: the most frequent O*NET name mapped to the tag (ties: smallest name)
    names_of_tag = defaultdict(list)
    for name, tag in tag_of.items():
        names_of_tag[tag].append(name)
    tech_label = {
        tag: sorted(names, key=lambda n: (-name_count[n], n))[0]
        for tag, names in names_of_tag.items()
    }
    tags_by_group = defaultdict(list)
    for (group, tag) in sorted(listing):
        tags_by_group[group].append(tag)

    # --- knowledge areas --------------------------------------------------
    ids = [e["element_id"] for e in elements]
    knowledge_label = {}
    for e in elements:
        if e["kind"] != "knowledge":
            continue
        is_leaf = not any(i.startswith(e["element_id"] + ".") for i in ids)
        if is_leaf:
            knowledge_label[clean_text(e["name"])] = e["name"]

    # --- per-sector scores ------------------------------------------------
    scores = {}
    eligible = {}
    for sector in SECTOR_ORDER:
        score = defaultdict(float)
        support = defaultdict(int)
        best_share = defaultdict(float)
        for group, gw in sorted(sectors[sector]):
            n = len(group_occs[group])
            assert n > 0, "SOC major group %s has no technology rows" % group
            for tag in tags_by_group[group]:
                occs = listing[(group, tag)]
                score[tag] += gw * sum(occs[o] for o in sorted(occs)) / n
                support[tag] += len(occs)
                best_share[tag] = max(best_share[tag], len(occs) / n)
        scores[sector] = score
        eligible[sector] = {
            t for t in score
            if hot_tag[t] or (support[t] >= MIN_SUPPORT_NON_HOT
                              and best_share[t] >= MIN_GROUP_SHARE_NON_HOT)
        }
    mean_score = defaultdict(float)
    for sector in SECTOR_ORDER:
        for tag, v in sorted(scores[sector].items()):
            mean_score[tag] += v / len(SECTOR_ORDER)

    sector_rows = []
    vocabulary = {}
    for sector in SECTOR_ORDER:
        score = scores[sector]
        candidates = list(eligible[sector])
        candidates.sort(key=lambda t: (-score[t], t))
        tech = candidates[:N_BY_SCORE]
        rest = candidates[N_BY_SCORE:]
        rest.sort(key=lambda t: (-score[t] / mean_score[t], -score[t], t))
        tech += rest[:N_BY_LIFT]
        tech_total = sum(score[t] for t in tech)
        weights = {t: (1.0 - KNOWLEDGE_SHARE) * score[t] / tech_total for t in tech}
        for t in tech:
            vocabulary.setdefault(t, (tech_label[t], "onet-technology"))

        areas = SECTOR_KNOWLEDGE[sector]
        for area in areas:
            tag = clean_text(area)
            check_tag(tag)
            assert tag in knowledge_label, "unknown knowledge area %r" % area
            assert tag not in weights, "knowledge tag collides: %r" % tag
            assert vocabulary.get(tag, (None, "onet-knowledge"))[1] == "onet-knowledge", tag
            weights[tag] = KNOWLEDGE_SHARE / len(areas)
            vocabulary[tag] = (knowledge_label[tag], "onet-knowledge")

        assert 40 <= len(weights) <= 80, (sector, len(weights))
        micro = round_to_micro(weights)
        for tag in sorted(micro, key=lambda t: (-micro[t], t)):
            sector_rows.append((sector, tag, "%d.%06d" % divmod(micro[tag], 1_000_000)))

    with open(os.path.join(out_dir, "sector_skills.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sector", "skill", "weight"])
        w.writerows(sector_rows)

    with open(os.path.join(out_dir, "skills.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["skill", "label", "source"])
        for tag in sorted(vocabulary):
            label, source = vocabulary[tag]
            w.writerow([tag, label, source])

    print("sector_skills.csv: %d rows, skills.csv: %d rows" % (len(sector_rows), len(vocabulary)))


if __name__ == "__main__":
    main(sys.argv)
