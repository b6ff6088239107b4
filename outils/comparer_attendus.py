"""Compare un rapport de ``cdv-regles verifier`` aux constats attendus du classeur exemple.

    python outils/comparer_attendus.py rapport.json outils/exemple-2023-attendus.yaml
    python outils/comparer_attendus.py --junit rapport.junit outils/exemple-2023-attendus.yaml

JSON : les paires (dossier, règle) bloquantes et alertes doivent être exactement les attendues.
JUnit : les constats bloquants des cas en échec doivent être exactement les bloquants attendus.
Sort avec 0 si c'est le cas, 1 sinon, en listant les manquants et les inattendus.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml


def attendus(chemin: str, gravites: set[str]) -> set[tuple[str, str]]:
    donnees = yaml.safe_load(Path(chemin).read_text(encoding="utf-8"))
    liste = donnees["constats"] if isinstance(donnees, dict) else donnees
    return {(c["dossier"], c["regle"]) for c in liste if c["gravite"] in gravites}


def depuis_json(chemin: str, gravites: set[str]) -> set[tuple[str, str]]:
    constats = json.loads(Path(chemin).read_text(encoding="utf-8"))["constats"]
    return {(c["dossier"], c["regle"]) for c in constats if c["gravite"] in gravites}


def depuis_junit(chemin: str) -> set[tuple[str, str]]:
    vus = set()
    for cas in ET.parse(chemin).getroot().iter("testcase"):
        echec = cas.find("failure")
        if echec is not None:
            m = re.fullmatch(r"Dossier (.*) \(ligne \d+\)", cas.get("classname") or "")
            vus |= {(m[1] if m else "", r) for r in re.findall(r"^BLOQUANT (\S+)", echec.text or "", re.M)}
    return vus


def main(args: list[str]) -> int:
    if args[0] == "--junit":
        obtenus, voulus = depuis_junit(args[1]), attendus(args[2], {"bloquant"})
    else:
        gravites = {"bloquant", "alerte"}
        obtenus, voulus = depuis_json(args[0], gravites), attendus(args[1], gravites)
    manquants, inattendus = sorted(voulus - obtenus), sorted(obtenus - voulus)
    for dossier, regle in manquants:
        print(f"Manquant : {regle} sur le dossier {dossier}")
    for dossier, regle in inattendus:
        print(f"Inattendu : {regle} sur le dossier {dossier}")
    if manquants or inattendus:
        return 1
    print(f"Rapport conforme aux attendus : {len(obtenus)} constat(s), tous attendus.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
