"""Fuzz du langage des règles : des expressions tirées de sa grammaire (chaque fonction, chaque
opérateur, des colonnes de chaque type, des littéraux de chaque type, des nombres démesurés)
ne font jamais tomber la vérification.

Ce qu'un auteur de règles peut écrire de pire donne des constats et/ou des défauts nommés, jamais
une exception ; par la ligne de commande, jamais de trace ni de statut 1 sans constat.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdv_regles.expressions import Compilateur, Portee
from cdv_regles.regle import Regle

# Une colonne de chaque type du contrat.
COLONNES = ["intitule", "statut", "dispositif", "piece_cerfa", "montant_etat", "cout_total", "date_debut",
            "beneficiaires_femmes", "communes", "qpv", "orientation", "marqueur_egalite", "siret", "rna"]
PARAMETRES = ["statuts_structure_seule", "colonnes_financement", "limite_note_intention", "tolerance_equilibre",
              "etat_priorites", "enveloppe_region", "parametre_inconnu"]
LITTERAUX = ["0", "1", "-1", "2.5", "10**30", "99999999999999999999", "1e308", "-1e308", "0.0", "'abc'", "''",
             "'PRE'", "'2023-07-01'", "'9999-12-31'", "vrai", "faux", "nul", "[1, 2]", "['a', 'b']", "[]",
             "date_reference", "millesime", "referentiel('communes')", "referentiel('inconnu')"]
FONCTIONS = sorted(Compilateur(Portee({}, {}, {}, {}, {}, dt.date(2023, 1, 1))).fonctions)
COMPARAISONS = ["==", "!=", "<", "<=", ">", ">=", "dans", "pas dans"]


def _appel(nom: str, args: list[str]) -> str:
    return f"{nom}({', '.join(args)})"


ATOMES = st.sampled_from(COLONNES + PARAMETRES + LITTERAUX)
EXPRESSIONS = st.recursive(
    ATOMES,
    lambda sous: st.one_of(
        st.builds(_appel, st.sampled_from(FONCTIONS), st.lists(sous, max_size=3)),
        st.builds(lambda g, op, d: f"({g} {op} {d})", sous, st.sampled_from(["+", "-", "*", "/"]), sous),
        st.builds(lambda g, op, d: f"({g} {op} {d})", sous, st.sampled_from(COMPARAISONS), sous),
        st.builds(lambda g, op, d: f"({g} {op} {d})", sous, st.sampled_from(["et", "ou"]), sous),
        st.builds(lambda x: f"non {x}", sous),
        st.builds(lambda x: f"-{x}", sous),
        st.builds(lambda x, sel: f"inconnus({x}, referentiel('communes'){sel})", sous,
                  st.sampled_from(["", ", selon=communes"])),
    ),
    max_leaves=6,
)
REGLES = st.fixed_dictionaries(
    {"exiger": EXPRESSIONS, "portee": st.sampled_from(["dossier", "tableau"])},
    optional={"applicable": EXPRESSIONS, "valeur": EXPRESSIONS},
)
LIGNES = [
    {"numero_dossier": "F-1"},
    {"numero_dossier": "F-2", "montant_etat": None, "intitule": None, "date_debut": None, "communes": None,
     "piece_cerfa": None, "fonds_propres": "8 000"},
    {"numero_dossier": "F-3", "montant_etat": "1e300", "beneficiaires_femmes": "99999999999", "statut": "Refusé"},
]


def regle_de(tirage: dict[str, Any], partenaire: str = "socle", chemin: str = "fuzz.yaml") -> Regle:
    valeurs = {"v": tirage["valeur"]} if "valeur" in tirage else {}
    message = "Fuzz {dossier}" + (" {v}" if valeurs else "")
    return Regle(id="FUZZ-1", titre="fuzz", famille="priorites", gravite="alerte", partenaire=partenaire,
                 source={"document": "NC2023"}, message=message, chemin=chemin, portee=tirage["portee"],
                 applicable=[tirage["applicable"]] if "applicable" in tirage else [], exiger=tirage["exiger"],
                 valeurs=valeurs)


@pytest.fixture(scope="module")
def table_fuzz(environnement_2023):
    from cdv_regles.exemples import table_exemple

    return table_exemple({"lignes": LIGNES}, environnement_2023[1])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(tirage=REGLES)
def test_une_expression_quelconque_ne_fait_jamais_tomber_la_verification(environnement_2023, table_fuzz,
                                                                          tirage: dict[str, Any]) -> None:
    from cdv_regles.verification import verifier_avec

    greffons, catalogue = environnement_2023
    seule = replace(catalogue, regles=[regle_de(tirage)], compilees={})
    resultat = verifier_avec(table_fuzz, greffons, seule, dt.date(2023, 3, 1))  # ne lève jamais
    assert all(c.regle == "FUZZ-1" for c in resultat.constats if c.partenaire == "socle" and c.famille == "priorites")
    for d in resultat.defauts:
        assert "FUZZ-1" in str(d) and "\n" not in str(d), str(d)
    assert greffons.defauts == []  # rien ne reste d'une exécution à l'autre


MODULE = '''
from pathlib import Path
from cdv_regles.api import hookimpl

@hookimpl
def cdv_regles_partenaire():
    return {"code": "fuzz", "nom": "Greffon du fuzz"}

@hookimpl
def cdv_regles_fichiers_regles(millesime):
    return [Path(__file__).parent / "fuzz_regles.yaml"]
'''


@pytest.fixture
def greffon_fuzz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Un greffon « fuzz » installé (sys.path + dist-info), dont chaque tirage réécrit les règles."""
    import sys

    racine = tmp_path / "site"
    racine.mkdir()
    (racine / "fuzz_greffon.py").write_text(MODULE, encoding="utf-8")
    info = racine / "cdv_regles_fuzz-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cdv-regles-fuzz\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[cdv_regles]\nfuzz = fuzz_greffon\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(racine))
    monkeypatch.delitem(sys.modules, "fuzz_greffon", raising=False)
    monkeypatch.delenv("CDV_REGLES_DESACTIVER", raising=False)
    return racine / "fuzz_regles.yaml"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(tirage=REGLES)
def test_par_la_ligne_de_commande_jamais_de_trace_ni_de_statut_1_sans_constat(greffon_fuzz: Path, classeur,
                                                                             tirage: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from cdv_regles.cli import cdv_regles

    r = regle_de(tirage)
    brute = {"id": "FUZZ-1", "titre": "fuzz", "gravite": "bloquant", "exiger": r.exiger, "portee": r.portee,
             "message": r.message, **({"applicable": r.applicable[0]} if r.applicable else {}),
             **({"valeurs": r.valeurs} if r.valeurs else {})}
    fichier = {"famille": "priorites", "source": {"document": "NC2023", "section": "fuzz"}, "regles": [brute]}
    greffon_fuzz.write_text(yaml.safe_dump(fichier, allow_unicode=True), encoding="utf-8")
    tableau = classeur(LIGNES, nom="fuzz.xlsx")
    res = CliRunner().invoke(cdv_regles, ["verifier", str(tableau), "--format", "json", "--date", "2023-03-01",
                                          "--millesime", "2023"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    assert res.exit_code in (0, 1, 3), res.output
    rapport = json.loads(res.stdout)
    if res.exit_code == 1:
        assert any(c["gravite"] == "bloquant" for c in rapport["constats"])
    if res.exit_code == 3:
        assert rapport["resume"]["defauts_greffons"]
