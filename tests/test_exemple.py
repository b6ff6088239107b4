"""Le classeur exemple : la vérification rapporte chaque défaut délibéré, et rien d'autre.

La vérité de référence est ``outils/exemple-2023-attendus.yaml`` ; le classeur est produit par
``outils/generer_exemple.py`` à partir de ``outils/exemple-2023-dossiers.yaml``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent
CLASSEUR = RACINE / "classeurs" / "exemple-programmation-2023.xlsx"
ATTENDUS = RACINE / "outils" / "exemple-2023-attendus.yaml"
GENERATEUR = RACINE / "outils" / "generer_exemple.py"
DATE_REFERENCE = dt.date(2023, 3, 1)
SIGNALES = ("bloquant", "alerte")
FAMILLES_A_COUVRIR = {"schema", "pieces", "echeances", "budget", "egalite"}

Paire = tuple[str | None, str]


def _environnement() -> dict[str, str]:
    """L'environnement des sous-processus, sans greffon désactivé par l'appelant."""
    env = dict(os.environ)
    env.pop("CDV_REGLES_DESACTIVER", None)
    return env


@pytest.fixture(scope="module")
def attendus() -> list[dict[str, Any]]:
    donnees = yaml.safe_load(ATTENDUS.read_text(encoding="utf-8"))
    assert donnees["date_reference"] == DATE_REFERENCE
    return donnees["constats"]


@pytest.fixture(scope="module")
def defauts(attendus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in attendus if a["gravite"] in SIGNALES]


@pytest.fixture(scope="module")
def resultat() -> Any:
    from cdv_regles.verification import verifier_fichier

    return verifier_fichier(CLASSEUR, date_reference=DATE_REFERENCE, millesime=2023,
                            desactives=set())


def _paires(constats: list[dict[str, Any]], gravites: tuple[str, ...]) -> set[Paire]:
    return {(c["dossier"] or None, c["regle"]) for c in constats if c["gravite"] in gravites}


def _ecart(vus: set[Paire], attendues: set[Paire], constats: list[dict[str, Any]]) -> str:
    """Ce qui manque et ce qui est en trop, avec les messages : lisible quand le test échoue."""
    lignes = [f"manquant : {p}" for p in sorted(attendues - vus, key=str)]
    for p in sorted(vus - attendues, key=str):
        messages = [c["message"] for c in constats if (c["dossier"] or None, c["regle"]) == p]
        lignes.append(f"en trop : {p} — {messages[0] if messages else ''}")
    return "\n".join(lignes)


def _constats_resultat(resultat: Any) -> list[dict[str, Any]]:
    return [c.vers_dict() for c in resultat.constats]


# --- la vérification rapporte exactement les défauts délibérés ------------------------------

def test_aucun_greffon_en_defaut(resultat: Any) -> None:
    assert [str(d) for d in resultat.defauts] == []


def test_bloquants_et_alertes_sont_exactement_les_defauts(resultat: Any, defauts: list[dict[str, Any]]) -> None:
    constats = _constats_resultat(resultat)
    vus, attendues = _paires(constats, SIGNALES), _paires(defauts, SIGNALES)
    assert vus == attendues, _ecart(vus, attendues, constats)


def test_chaque_defaut_a_sa_gravite_son_partenaire_et_sa_famille(resultat: Any, defauts: list[dict[str, Any]]) -> None:
    for a in defauts:
        trouves = [c for c in resultat.constats if c.dossier == a["dossier"] and c.regle == a["regle"]]
        assert trouves, f"{a['dossier']} {a['regle']} non signalé"
        for c in trouves:
            assert (c.gravite, c.partenaire, c.famille) == (a["gravite"], a["partenaire"], a["famille"]), c


def test_informations_attendues_presentes(resultat: Any, attendus: list[dict[str, Any]]) -> None:
    constats = _constats_resultat(resultat)
    infos = [a for a in attendus if a["gravite"] == "info"]
    assert infos
    vues = _paires(constats, ("info",))
    manquantes = _paires(infos, ("info",)) - vues
    assert not manquantes, f"informations attendues absentes : {sorted(manquantes, key=str)}"
    for a in infos:
        partenaires = {c["partenaire"] for c in constats
                       if (c["dossier"] or None, c["regle"]) == (a["dossier"], a["regle"])}
        assert partenaires == {a["partenaire"]}, a


def test_ligne_de_commande_json(defauts: list[dict[str, Any]], attendus: list[dict[str, Any]]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cdv_regles", "verifier", str(CLASSEUR), "--format", "json",
         "--date", DATE_REFERENCE.isoformat()],
        capture_output=True, text=True, encoding="utf-8", cwd=RACINE, env=_environnement(), timeout=300,
    )
    # Des constats bloquants sont attendus : statut 1 (ni 2 « fichier inutilisable », ni 3 « greffon en défaut »).
    assert proc.returncode == 1, proc.stderr
    rapport = json.loads(proc.stdout)
    constats = rapport["constats"]
    vus, attendues = _paires(constats, SIGNALES), _paires(defauts, SIGNALES)
    assert vus == attendues, _ecart(vus, attendues, constats)
    assert _paires([a for a in attendus if a["gravite"] == "info"], ("info",)) <= _paires(constats, ("info",))
    assert rapport["resume"]["dossiers"] >= 40
    assert rapport["resume"]["defauts_greffons"] == []


# --- les défauts délibérés sont bien choisis -------------------------------------------------

def test_une_poignee_de_defauts_distincts(defauts: list[dict[str, Any]]) -> None:
    # Une poignée : un défaut par règle illustrée (les règles de 2026-12 en ajoutent deux).
    assert 8 <= len(defauts) <= 16
    regles = Counter(a["regle"] for a in defauts)
    assert all(n == 1 for n in regles.values()), regles
    # Un dossier par défaut du socle ; les défauts des partenaires pourraient partager un dossier.
    du_socle = Counter(a["dossier"] for a in defauts if a["partenaire"] == "socle")
    assert all(n == 1 for n in du_socle.values()), du_socle
    assert {a["famille"] for a in defauts} >= FAMILLES_A_COUVRIR
    assert all(a["description"].strip() for a in defauts)


def test_chaque_partenaire_a_son_constat(resultat: Any, attendus: list[dict[str, Any]],
                                         defauts: list[dict[str, Any]]) -> None:
    financeurs = [f["code"] for f in resultat.catalogue.referentiels["financeurs"].details]
    assert len(financeurs) == 7
    for code in financeurs:
        assert any(c.partenaire == code for c in resultat.constats), f"aucun constat pour {code}"
        assert any(a["partenaire"] == code for a in attendus), f"aucun constat attendu pour {code}"
        # Un partenaire qui a des règles bloquantes ou d'alerte doit avoir un défaut délibéré.
        signale = any(r.partenaire == code and r.gravite in SIGNALES for r in resultat.catalogue.regles)
        if signale:
            assert any(a["partenaire"] == code for a in defauts), f"aucun défaut délibéré pour {code}"


# --- le classeur lui-même ---------------------------------------------------------------------

def test_dossiers_nombreux_et_statuts_varies(resultat: Any) -> None:
    assert resultat.nb_dossiers >= 40
    statuts = Counter(resultat.tableau.colonnes["statut"])
    # Vérifié au 01/03/2023, avant les comités du 03/03 : aucun dossier ne peut être validé.
    assert statuts["Validé en comité"] == 0
    assert statuts["Abandonné"] >= 1
    assert statuts["En instruction"] > resultat.nb_dossiers / 2
    assert statuts["Note d'intention"] >= 1
    assert statuts["Refusé"] >= 1


def test_mise_en_forme_du_classeur(resultat: Any, defauts: list[dict[str, Any]]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(CLASSEUR)
    assert wb.sheetnames == ["Lisez-moi", "Programmation"]
    ws = wb["Programmation"]
    entetes = [c.value for c in ws[1]]
    assert entetes == [c.entete for c in resultat.catalogue.colonnes if c.id in resultat.tableau.position]
    assert len(entetes) == len(resultat.catalogue.colonnes)
    assert ws.freeze_panes == "B2"
    (tableau,) = ws.tables.values()
    assert tableau.ref == f"A1:{ws.cell(row=1, column=len(entetes)).column_letter}{resultat.nb_dossiers + 1}"
    index = {e: i for i, e in enumerate(entetes)}
    ligne = next(iter(ws.iter_rows(min_row=2, max_row=2)))
    assert ligne[index["Date de dépôt de la note d'intention"]].number_format == "DD/MM/YYYY"
    assert "€" in ligne[index["Coût total de l'action"]].number_format
    # Les lignes masquées sont des dossiers : la ligne masquée porte un défaut et il est signalé.
    masquees = [r for r, d in ws.row_dimensions.items() if d.hidden]
    assert masquees
    dossiers_masques = {ws.cell(row=r, column=1).value for r in masquees}
    assert dossiers_masques <= {a["dossier"] for a in defauts}
    texte_lisez_moi = " ".join(str(c.value) for r in wb["Lisez-moi"].iter_rows() for c in r if c.value)
    assert "FICTIF" in texte_lisez_moi
    assert all(a["dossier"] in texte_lisez_moi for a in defauts)


def _valeurs(chemin: Path) -> dict[str, Any]:
    import openpyxl

    wb = openpyxl.load_workbook(chemin)
    return {
        ws.title: {
            "cellules": [[(c.value, c.number_format) for c in r] for r in ws.iter_rows()],
            "masquees": sorted(r for r, d in ws.row_dimensions.items() if d.hidden),
            "tableaux": dict(ws.tables.items()),  # nom -> plage
        }
        for ws in wb.worksheets
    }


def test_le_generateur_reproduit_le_classeur(tmp_path: Path) -> None:
    sortie = tmp_path / "exemple.xlsx"
    proc = subprocess.run([sys.executable, str(GENERATEUR), "--sortie", str(sortie)],
                          capture_output=True, text=True, encoding="utf-8", cwd=RACINE, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert _valeurs(sortie) == _valeurs(CLASSEUR), (
        "le classeur committé ne correspond plus aux données : relancez "
        "`uv run python outils/generer_exemple.py` et committez le résultat")


def test_la_ligne_total_et_les_saisies_a_la_francaise(resultat: Any) -> None:
    """La ligne « TOTAL » sous le tableau n'est pas un dossier (dite une fois, en info) ; les valeurs
    tapées comme les agents les tapent sont lues sans constat de cellule illisible."""
    import openpyxl

    ws = openpyxl.load_workbook(CLASSEUR)["Programmation"]
    total = resultat.nb_dossiers + 2
    assert ws.cell(row=total, column=1).value == "TOTAL"
    assert resultat.tableau.totaux == [(total, "TOTAL")]
    assert not [c for c in resultat.constats if c.ligne == total]
    (dit,) = [c for c in resultat.constats if c.regle == "SCH-LIGNES-TOTAL"]
    assert dit.gravite == "info" and f"ligne {total}" in dit.message
    textes = [c.value for r in ws.iter_rows(min_row=2, max_row=total - 1) for c in r if isinstance(c.value, str)]
    assert "✓" in textes and any("\u00a0" in t for t in textes)
    assert not [c for c in resultat.constats if c.regle == "SCH-CELLULE"]
