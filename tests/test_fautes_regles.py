"""Une règle qui échoue est un défaut de son greffon, jamais une panne de la vérification.

Compiler puis évaluer chaque règle est gardé : une règle de partenaire qui compare un montant à
un texte, ou qui calcule une date avec un nombre démesuré, est signalée en nommant son greffon,
sa règle et la raison en français (statut 3) ; les autres règles tournent et le rapport est écrit.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cdv_regles.cli import cdv_regles

DATE = "2023-03-01"
LIGNES = [{"numero_dossier": "A-1", "piece_cerfa": "Non"}, {"numero_dossier": "A-2"}]

MODULE = """
    from pathlib import Path
    from cdv_regles.api import hookimpl

    @hookimpl
    def cdv_regles_partenaire():
        return {"code": "faux", "nom": "Faux partenaire"}

    @hookimpl
    def cdv_regles_fichiers_regles(millesime):
        return [Path(__file__).parent / "faux_regles.yaml"]
"""


def regle(rid: str, exiger: str, **autres: Any) -> dict[str, Any]:
    return {"id": rid, "titre": rid, "gravite": "alerte", "exiger": exiger,
            "message": f"Règle {rid} : {{dossier}}.", **autres}


@pytest.fixture(autouse=True)
def tous_actifs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDV_REGLES_DESACTIVER", raising=False)


@pytest.fixture
def greffon_de_regles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Installe (sys.path + dist-info) un greffon « faux » qui apporte les règles données."""
    compteur = iter(range(1000))

    def installer(regles: list[dict[str, Any]]) -> Path:
        racine = tmp_path / f"site{next(compteur)}"
        racine.mkdir()
        module = "faux_greffon_regles"
        (racine / f"{module}.py").write_text(textwrap.dedent(MODULE), encoding="utf-8")
        fichier = {"famille": "priorites", "source": {"document": "NC2023", "section": "essai"}, "regles": regles}
        (racine / "faux_regles.yaml").write_text(yaml.safe_dump(fichier, allow_unicode=True), encoding="utf-8")
        info = racine / "cdv_regles_faux-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cdv-regles-faux\nVersion: 1.0\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(f"[cdv_regles]\nfaux = {module}\n", encoding="utf-8")
        monkeypatch.syspath_prepend(str(racine))
        monkeypatch.delitem(sys.modules, module, raising=False)
        return racine / "faux_regles.yaml"

    return installer


def verifier(chemin: Path, *options: str) -> Any:
    return CliRunner().invoke(cdv_regles, ["verifier", str(chemin), "--format", "json", "--date", DATE,
                                           "--millesime", "2023", *options], catch_exceptions=False)


@pytest.fixture
def tableau(classeur) -> Path:
    return classeur(LIGNES)


@pytest.fixture
def reference(tableau: Path) -> list[dict]:
    """Les constats sans le faux greffon."""
    return json.loads(verifier(tableau).stdout)["constats"]


CAS_FAUTIFS = {
    "montant-compare-a-un-texte": ("montant_etat > 'abc'", "comparez des valeurs de même type"),  # au chargement
    "montant-calcule-compare-a-un-texte": ("montant_etat * 2 > 'abc'", "types incompatibles"),  # à l'évaluation
    "texte-additionne": ("intitule + 1 > 2", "types incompatibles"),
    "pas-une-condition": ("montant_etat + 1", "n'est pas vrai/faux"),
    "nombre-demesure": ("date_debut <= date_du_millesime(99999999999999999999, 1)", "mois et jour invalides"),
    "annee-d-un-montant": ("annee(montant_etat) > 2000", "types incompatibles"),
}


@pytest.mark.parametrize("cas", sorted(CAS_FAUTIFS))
def test_une_regle_fautive_est_un_defaut_de_son_greffon(greffon_de_regles, tableau: Path, reference: list[dict],
                                                       tmp_path: Path, cas: str) -> None:
    expression, raison = CAS_FAUTIFS[cas]
    greffon_de_regles([regle("FAUX-BONNE", "montant_etat < 1"), regle("FAUX-CASSEE", expression)])
    sortie = tmp_path / "rapport.json"
    r = verifier(tableau, "--sortie", str(sortie))
    assert r.exit_code == 3, r.output
    assert "Traceback" not in r.output
    rapport = json.loads(sortie.read_text(encoding="utf-8"))  # le rapport est écrit
    (defaut,) = rapport["resume"]["defauts_greffons"]
    assert defaut.startswith("greffon « faux » : ") and "FAUX-CASSEE" in defaut and raison in defaut, defaut
    assert f"Défaut : {defaut}" in r.stderr
    # Les autres règles ont tourné : celles du socle, et la bonne règle du même greffon.
    assert [c for c in rapport["constats"] if c["partenaire"] != "faux"] == reference
    assert {c["dossier"] for c in rapport["constats"] if c["regle"] == "FAUX-BONNE"} == {"A-1", "A-2"}


def test_une_regle_de_tableau_fautive_est_isolee(greffon_de_regles, tableau: Path, reference: list[dict]) -> None:
    greffon_de_regles([regle("FAUX-TOTAL", "total(intitule) > 0", portee="tableau"),
                       regle("FAUX-NOMBRE", "nombre(oui(piece_cerfa)) > 5", portee="tableau")])
    r = verifier(tableau)
    assert r.exit_code == 3
    rapport = json.loads(r.stdout)
    (defaut,) = rapport["resume"]["defauts_greffons"]
    assert "FAUX-TOTAL" in defaut and "non appliquée" in defaut
    assert [c["regle"] for c in rapport["constats"] if c["partenaire"] == "faux"] == ["FAUX-NOMBRE"]
    assert [c for c in rapport["constats"] if c["partenaire"] != "faux"] == reference


def test_la_trace_de_la_regle_fautive_est_gardee(greffon_de_regles, tableau: Path) -> None:
    import datetime as dt

    from cdv_regles.verification import verifier_fichier

    greffon_de_regles([regle("FAUX-CASSEE", "montant_etat * 2 > 'abc'")])
    resultat = verifier_fichier(tableau, millesime=2023, date_reference=dt.date(2023, 3, 1))
    (defaut,) = resultat.defauts
    assert "\n" not in str(defaut) and "polars" not in str(defaut)  # une ligne, en français
    assert defaut.trace.startswith("Traceback") and "polars" in defaut.trace
