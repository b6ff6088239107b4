"""``verifier(book)`` contre le Book distant d'xlwings (``xw.Book(json=...)``), celui d'xlwings
Server et d'xlwings Lite : le classeur arrive en JSON (comme l'envoie Excel web), les écritures
repartent en « actions ».

Ce moteur est dans ``xlwings.pro`` (PolyForm Noncommercial, qui permet l'usage par une
collectivité ou une association) : ces tests sont sautés sans ``XLWINGS_LICENSE_KEY``
(``noncommercial`` suffit). Le chemin ``RunPython`` du bouton n'en dépend jamais.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdv_regles.adresses import decouper_a1, lettres_colonne
from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.controle import verifier
from cdv_regles.classeur.resultats import LIGNE_ENTETE_CONTROLES

pytestmark = pytest.mark.skipif(
    not os.environ.get("XLWINGS_LICENSE_KEY"),
    reason="xlwings PRO (Book distant) : définir XLWINGS_LICENSE_KEY (p. ex. « noncommercial »)",
)

ICI = Path(__file__).resolve().parent


def _cellule_json(v: Any) -> Any:
    """Ce qu'Excel web envoie : "" pour une case vide, dates en ISO (format de date)."""
    from test_classeur_verifier import _en_excel

    v = _en_excel(v)
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat() + ".000Z"
    return v


def _feuille(nom: str, valeurs: list[list[Any]], tables: list[dict] | None = None,
             charts: list[dict] | None = None) -> dict:
    # « charts » : les graphiques de la feuille, que le client Office.js envoie.
    return {"name": nom, "values": valeurs or [[""]], "pictures": [], "tables": tables or [],
            "charts": charts or []}


def payload(dossiers: list[dict[str, Any]], autres: list[dict] | None = None) -> dict[str, Any]:
    import xlwings as xw
    from test_classeur_verifier import _colonnes

    colonnes = _colonnes()
    valeurs = [[c.entete for c in colonnes]]
    valeurs += [[_cellule_json(d.get(c.id)) for c in colonnes] for d in dossiers]
    fin = lettres_colonne(len(colonnes) - 1)
    n = len(valeurs)
    tableau = {"name": F.TABLEAU, "range_address": f"A1:{fin}{n}",
               "header_row_range_address": f"A1:{fin}1", "data_body_range_address": f"A2:{fin}{n}",
               "total_row_range_address": None, "show_headers": True, "show_totals": False,
               "table_style": "TableStyleLight1", "show_autofilter": True}
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "programmation-2023.xlsm", "active_sheet_index": 0, "selection": "A1"},
        "names": [{"name": F.NOM_MILLESIME, "sheet_index": 1, "address": "B3", "book_scope": True,
                   "scope_sheet_name": None, "scope_sheet_index": None}],
        "sheets": [
            _feuille(F.FEUILLE_PROGRAMMATION, valeurs, [tableau]),
            _feuille(F.FEUILLE_REFERENTIELS, [["", ""], ["", ""], ["Millésime du classeur", 2023]]),
            *(autres or []),
        ],
    }


@pytest.fixture(scope="module")
def exemple() -> tuple[dt.date, list[dict[str, Any]]]:
    sys.path.insert(0, str(ICI))
    from test_classeur_verifier import dossiers_exemple

    return dossiers_exemple()


def _actions(book: Any) -> list[dict[str, Any]]:
    return book.json()["actions"]


def _attendu(donnees: dict, date_ref: dt.date) -> Any:
    from cdv_regles.lecture import table_depuis_valeurs
    from cdv_regles.verification import verifier_table

    valeurs = [[None if v == "" else v for v in r] for r in donnees["sheets"][0]["values"]]
    for r in valeurs:
        for j, v in enumerate(r):
            if isinstance(v, str) and v.endswith(".000Z"):
                r[j] = dt.datetime.fromisoformat(v[:-5])
    brute = table_depuis_valeurs(valeurs, chemin="x", feuille=F.FEUILLE_PROGRAMMATION,
                                 premiere_ligne=1, premiere_colonne=0)
    return verifier_table(brute, millesime=2023, date_reference=date_ref)


def test_premier_passage_sur_le_book_distant(exemple) -> None:
    import xlwings as xw

    date_ref, dossiers = exemple
    donnees = payload(dossiers)
    book = xw.Book(json=donnees)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    actions = _actions(book)
    ajoutees = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert ajoutees == [F.FEUILLE_CONTROLES, F.FEUILLE_SYNTHESE, F.FEUILLE_MEMOIRE]
    # La feuille Synthèse reçoit ses graphiques Excel natifs.
    graphiques = [a for a in actions if a["func"] == "addChart"]
    assert graphiques and {a["args"][2] for a in graphiques} == {F.FEUILLE_SYNTHESE}

    # Aucune écriture de valeur sur la feuille Programmation (position 0) : seulement des couleurs.
    sur_programmation = {a["func"] for a in actions if a.get("sheet_position") == 0}
    assert sur_programmation == {"setRangeColor"}
    ref = _attendu(donnees, date_ref)
    couleurs = {(a["start_row"], a["start_column"]): a["args"][0] for a in actions
                if a.get("sheet_position") == 0}
    attendues = {}
    for c in ref.constats:
        for cellule in ref.cellules(c):
            ligne, col0 = decouper_a1(cellule)
            attendues.setdefault((ligne - 1, col0), []).append(c.gravite)
    assert set(couleurs) == set(attendues)
    rang = {"bloquant": 0, "alerte": 1, "info": 2}
    for cle, gravites in attendues.items():
        assert couleurs[cle] == F.COULEURS[min(gravites, key=rang.get)]

    position_controles = 2
    (ecrit,) = [a for a in actions if a["func"] == "setValues"
                and a["sheet_position"] == position_controles]
    assert len(ecrit["values"]) == len(ref.constats) + LIGNE_ENTETE_CONTROLES
    assert ecrit["values"][0][0].startswith("Lecture : feuille « Programmation »")
    (alerte,) = [a for a in actions if a["func"] == "alert"]
    assert f"{len(ref.constats)} constat(s)" in alerte["args"][0]
    assert alerte["args"][3] == "info"


def test_second_passage_efface_resultats_et_couleurs(exemple) -> None:
    """Le classeur revient avec les feuilles du premier passage et le porteur corrigé."""
    import xlwings as xw

    date_ref, dossiers = exemple
    corriges = [dict(d) for d in dossiers]
    corriges[1]["porteur"] = "Maison de quartier"
    from test_classeur_verifier import _colonnes

    # La colonne du coût total suit le contrat (une colonne ajoutée avant la déplace).
    col_cout = next(i for i, c in enumerate(_colonnes()) if c.id == "cout_total")
    memoire = [["Cellule", "Dossier", "En-tête", "Couleur d'origine"],
               ["B3", "2023-02", "Porteur", ""],
               [f"{lettres_colonne(col_cout)}4", "2023-03", "Coût total de l'action", "#00B050"]]
    graphique_precedent = {"name": "Synthèse financeurs", "chart_type": "barClustered", "left": 0, "top": 0,
                           "width": 10, "height": 10}
    autres = [_feuille(F.FEUILLE_CONTROLES, [["Gravité", "Dossier"], ["Bloquant", "2023-02"]]),
              _feuille(F.FEUILLE_SYNTHESE, [["Synthèse du contrôle"]], charts=[graphique_precedent]),
              _feuille(F.FEUILLE_MEMOIRE, memoire)]
    book = xw.Book(json=payload(corriges, autres))
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    actions = _actions(book)
    assert not [a for a in actions if a["func"] == "addSheet"]
    effacees = {a["sheet_position"] for a in actions if a["func"] == "sheetClear"}
    assert effacees == {2, 3, 4}
    # Le graphique du passage précédent est retiré avant que les nouveaux soient ajoutés.
    funcs = [a["func"] for a in actions]
    position_synthese = 3
    vidage = next(i for i, a in enumerate(actions)
                  if a["func"] == "sheetClear" and a["sheet_position"] == position_synthese)
    assert funcs.count("deleteChart") == 1
    assert vidage < funcs.index("deleteChart") < funcs.index("addChart")
    couleurs = [(a["start_row"], a["start_column"], a["args"][0]) for a in actions
                if a.get("sheet_position") == 0]
    # B3 (porteur corrigé) perd la couleur ; le coût total retrouve d'abord la couleur d'origine notée.
    assert couleurs[0] == (2, 1, None)
    assert couleurs[1] == (3, col_cout, "#00B050")
    assert (2, 1) not in {(r, c) for r, c, _ in couleurs[2:]}


def test_script_xlwings_server(tmp_path: Path, exemple) -> None:
    """Le même contrôle comme ``@script`` d'xlwings Server / Lite, appelé comme le fait le serveur."""
    _, dossiers = exemple
    fichier = tmp_path / "payload.json"
    fichier.write_text(json.dumps(payload(dossiers)), encoding="utf-8")
    code = (
        "import asyncio, json, sys\n"
        "import xlwings as xw\n"
        "from xlwings.server import custom_scripts_call, custom_scripts_meta\n"
        "import cdv_regles.classeur.script as module\n"
        "meta = custom_scripts_meta(module)\n"
        "book = xw.Book(json=json.load(open(sys.argv[1], encoding='utf-8')))\n"
        "asyncio.run(custom_scripts_call(module, 'verifier_classeur', typehint_to_value={xw.Book: book}))\n"
        "print(json.dumps({'meta': meta, 'actions': book.json()['actions']}))\n"
    )
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "PYTHONPATH": str(ICI)}
    sortie = subprocess.run([sys.executable, "-c", code, str(fichier)], capture_output=True,
                            text=True, env=env, check=False, timeout=300)
    assert sortie.returncode == 0, sortie.stderr
    resultat = json.loads(sortie.stdout.strip().splitlines()[-1])
    assert [m["name"] for m in resultat["meta"]] == ["Vérifier"]
    funcs = [a["func"] for a in resultat["actions"]]
    assert "alert" in funcs and funcs.count("addSheet") == 3
