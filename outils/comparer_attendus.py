"""Compare le rapport JSON de ``cdv-regles verifier`` aux constats attendus du classeur exemple.

    python outils/comparer_attendus.py rapport.json outils/exemple-2023-attendus.yaml

Sort avec 0 si les paires (dossier, règle) bloquantes et alertes sont exactement les attendues,
1 sinon, en listant les manquantes et les inattendues.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


def paires(constats: list[dict], gravites: set[str]) -> set[tuple[str, str]]:
    return {(c["dossier"], c["regle"]) for c in constats if c["gravite"] in gravites}


def main(rapport: str, attendus: str) -> int:
    vus = json.loads(Path(rapport).read_text(encoding="utf-8"))["constats"]
    attendu = yaml.safe_load(Path(attendus).read_text(encoding="utf-8"))
    liste = attendu["constats"] if isinstance(attendu, dict) else attendu
    gravites = {"bloquant", "alerte"}
    voulus = paires(liste, gravites)
    obtenus = paires(vus, gravites)
    manquants, inattendus = sorted(voulus - obtenus), sorted(obtenus - voulus)
    for dossier, regle in manquants:
        print(f"Manquant : {regle} sur le dossier {dossier}")
    for dossier, regle in inattendus:
        print(f"Inattendu : {regle} sur le dossier {dossier}")
    if manquants or inattendus:
        return 1
    print(f"Classeur exemple conforme : {len(obtenus)} constat(s) bloquants ou alertes, tous attendus.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
