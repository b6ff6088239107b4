"""Issue 15.2 : le rapport JSON accéléré (dictionnaires écrits à la main, encodeur rapide) est,
octet pour octet, celui de l'ancien chemin (``dataclasses.asdict`` + ``json.dumps(indent=2)``)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from cdv_regles.constats import Constat
from cdv_regles.rapports import json_
from cdv_regles.rapports.lecture import lecture
from cdv_regles.verification import verifier_fichier

RACINE = Path(__file__).resolve().parents[1]


def _ancien(resultat, seuil: str = "bloquant") -> str:
    """Le rendu d'avant l'issue 15, recopié tel quel : la référence."""
    resume = resultat.resume()
    resume["seuil_echec"] = seuil
    resume["fichier"] = resultat.tableau.chemin

    def en_dict(c: Constat) -> dict:
        d = asdict(c)
        d["colonnes"] = list(c.entetes)
        del d["entetes"]
        return d

    texte = json.dumps({"lecture": lecture(resultat), "constats": [en_dict(c) for c in resultat.constats],
                        "resume": resume}, ensure_ascii=False, indent=2)
    return json_._CONTROLES.sub(lambda m: f"\\u{ord(m.group(0)):04x}", texte) + "\n"


@pytest.fixture(scope="module")
def tableau_de_banc(tmp_path_factory) -> Path:
    """300 dossiers du banc d'essai (benchmarks/generer.py : ~30 % fautifs), en CSV."""
    sys.path.insert(0, str(RACINE / "benchmarks"))
    try:
        import generer
    finally:
        sys.path.pop(0)
    chemins = generer.tableaux(tmp_path_factory.mktemp("banc"), [(300, "csv")])
    return chemins[300, "csv"]


@pytest.mark.parametrize("quoi", ["exemple", "banc"])
def test_rapport_json_identique_a_l_ancien_rendu(quoi, request):
    chemin = RACINE / "classeurs" / "exemple-programmation-2023.xlsx" if quoi == "exemple" \
        else request.getfixturevalue("tableau_de_banc")
    resultat = verifier_fichier(chemin, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert len(resultat.constats) > 10  # des constats de toutes sortes, pas un rapport vide
    for seuil in ("bloquant", "alerte"):
        assert json_.rendre(resultat, seuil=seuil).encode() == _ancien(resultat, seuil).encode()


@pytest.mark.parametrize("valeur", [
    {}, [], {"a": []}, {"a": {}}, [[], {}], {"x": 1.5, "y": -0.0, "z": float("nan")}, {"n": True, "m": None},
    {"imbrique": {"liste": [1, "deux", [3.25, {"quatre": False}]], "vide": {}}},
    {"texte": "é\"\\\n\t\x01\u2028", 3: "clé entière"}, ("tuple", 1), [10**30, -7],
])
def test_indente_comme_json_dumps(valeur):
    assert json_.indente(valeur) == json.dumps(valeur, ensure_ascii=False, indent=2)
