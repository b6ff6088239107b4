"""La feuille Synthèse du classeur (``ecrire_synthese(book, synthese)``) : contre le faux Book de
``faux_xlwings`` qui imite l'API xlwings utilisée (et refuse le reste : AttributeError), puis
contre le Book distant d'xlwings (xlwings Server / Lite, sauté sans ``XLWINGS_LICENSE_KEY``)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from dataclasses import replace
from typing import Any

import pytest
from faux_xlwings import FauxBook, bornes, chercher, ligne

from cdv_regles.synthese.classeur import FEUILLE, ecrire_synthese

DATE = dt.date(2023, 3, 1)
LIGNES = [
    {"numero_dossier": "2023-01", "porteur": "Association Exemple"},
    {"numero_dossier": "2023-02", "porteur": "Zèbre Association", "montant_etat": "3 000", "montant_cavm": None,
     "montant_region": "2 000", "fonds_propres": "15 000", "communes": "Anzin; Valenciennes",
     "orientation": 1, "diagnostic_sexue": "Non", "marqueur_egalite": 0},
    {"numero_dossier": "2023-03", "porteur": "Porteur refusé", "statut": "Refusé"},
]


def _synthese(parametres: dict[str, Any] | None = None) -> dict[str, Any]:
    from cdv_regles.exemples import table_exemple
    from cdv_regles.synthese.calcul import calculer_synthese
    from cdv_regles.verification import preparer, verifier_avec

    greffons, catalogue = preparer(2023)
    catalogue = replace(catalogue, surcharges=dict(parametres or {}))
    resultat = verifier_avec(table_exemple({"lignes": LIGNES}, catalogue), greffons, catalogue, DATE)
    return calculer_synthese(resultat, greffons)


def _nb_graphiques(synthese: dict[str, Any]) -> int:
    """Un graphique par tableau non vide qui en a un (socle : 7 ; plus ceux des greffons)."""
    from cdv_regles.synthese.vues import sections

    return sum(1 for s in sections(synthese) for v in s.vues if v.graphique is not None and v.lignes)


def _book(positions: bool = True) -> FauxBook:
    """Un classeur avec ses feuilles Programmation et Contrôles ; ``positions=False`` : xlwings Server."""
    book = FauxBook(positions=positions)
    programmation = book.sheets.add("Programmation")
    book.sheets.add("Contrôles", after=programmation)
    return book


# --- tests ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthese() -> dict[str, Any]:
    return _synthese()


def test_feuille_creee_avec_les_chiffres(synthese) -> None:
    book = _book()
    ws = ecrire_synthese(book, synthese, maintenant=dt.datetime(2023, 3, 1, 9, 30))
    assert [s.name for s in book.sheets] == ["Programmation", "Contrôles", FEUILLE]
    assert ligne(ws, 1)[0] == "Synthèse pour le comité — programmation 2023"
    assert ligne(ws, chercher(ws, "Contrôle lancé le"))[1] == "01/03/2023 à 09:30"
    titre = chercher(ws, "Total demandé à chaque financeur")
    assert ligne(ws, titre + 1)[:3] == ["Financeur", "Total demandé", "Dossiers"]
    lignes = {ligne(ws, r)[0]: ligne(ws, r)[1:3] for r in range(titre + 2, titre + 9)}
    # 8 000 (2023-01) + 3 000 (2023-02) ; le dossier refusé n'est pas compté.
    assert lignes["État (politique de la ville)"] == [11000.0, 2]
    assert lignes["Région Hauts-de-France"] == [2000.0, 1]
    assert ws.formats[(titre + 2, 2)] == '#,##0 "€"'
    assert ws.polices[(titre + 1, 1)]["bold"] is True
    porteurs = chercher(ws, "Porteurs au marqueur 0 (accompagnement renforcé à proposer)")
    # « 2023-02 » reste un texte : la cellule est au format texte avant l'écriture.
    assert ligne(ws, porteurs + 2)[:2] == ["Zèbre Association", "2023-02"]
    familles = chercher(ws, "Constats par famille de règles")
    assert ligne(ws, familles + 1)[:2] == ["Famille", "Constats"]
    assert ligne(ws, chercher(ws, "Constats"))[1] == synthese["rubriques"]["socle"]["constats"]["total"]
    communes = chercher(ws, "Total demandé par commune")
    assert {ligne(ws, r)[0] for r in range(communes + 2, communes + 4)} == {"Valenciennes", "Anzin"}


def test_graphiques_natifs_en_barres(synthese) -> None:
    book = _book()
    ws = ecrire_synthese(book, synthese)
    graphiques = list(ws.charts)
    assert len(graphiques) == _nb_graphiques(synthese) >= 7
    titres = [g.title for g in graphiques]
    assert titres[:2] == ["Total demandé par financeur", "Total demandé par orientation"]
    assert "Dossiers par marqueur égalité" in titres and "Total demandé par commune" in titres
    assert {g.chart_type for g in graphiques} == {"bar_clustered"}
    for g in graphiques:
        l1, c1, l2, c2 = bornes(g.source)
        assert (c1, c2) == (1, 2)  # libellés en A, valeurs en B
        assert isinstance(ws.valeurs[(l1, 2)], str)  # l'en-tête donne son nom à la série
        assert all(isinstance(ws.valeurs.get((r, 2)), int | float) for r in range(l1 + 1, l2 + 1))
        assert g.category_axis.reverse_order is True and g.legend.visible is False
        assert g.left > 600  # à droite des tableaux (A : 52 car., B à F : 16)
    financeurs = graphiques[0]
    l1, _, l2, _ = bornes(financeurs.source)
    assert l2 - l1 == len(synthese["rubriques"]["socle"]["financeurs"])
    assert financeurs.value_axis.number_format == '#,##0 "€"'
    # Les graphiques ne se chevauchent pas.
    for a, b in itertools.pairwise(graphiques):
        assert a.top + a.height <= b.top


def test_second_passage_remplace_tout(synthese) -> None:
    book = _book()
    ws = ecrire_synthese(book, synthese)
    nb = len(ws.charts)
    ws["Z99"].value = "reste d'un passage précédent"
    ws.charts.add()  # un graphique ajouté à la main sur la feuille de l'outil
    ws2 = ecrire_synthese(book, synthese)
    assert ws2 is ws and [s.name for s in book.sheets].count(FEUILLE) == 1
    assert len(ws.charts) == nb
    assert (99, 26) not in ws.valeurs


def test_hote_sans_graphiques_garde_les_tableaux(synthese, monkeypatch) -> None:
    """Un client Office.js ancien n'envoie pas les graphiques : xlwings lève KeyError('charts')."""
    from faux_xlwings import FauxCharts

    def refuser(*args: Any, **kwargs: Any) -> None:
        raise KeyError("charts")

    monkeypatch.setattr(FauxCharts, "add", refuser)
    book = _book()
    ws = ecrire_synthese(book, synthese)
    assert len(ws.charts) == 0
    assert chercher(ws, "Total demandé à chaque financeur")  # les tableaux sont là
    assert any(isinstance(v, str) and v.startswith("Graphiques indisponibles") for v in ws.valeurs.values())


def test_enveloppe_en_seconde_serie() -> None:
    book = _book(positions=False)  # xlwings Server : positions estimées
    ws = ecrire_synthese(book, _synthese({"enveloppe_region": 1500}))
    titre = chercher(ws, "Total demandé à chaque financeur")
    assert ligne(ws, titre + 1)[:4] == ["Financeur", "Total demandé", "Enveloppe 2023", "Dossiers"]
    region = next(r for r in range(titre + 2, titre + 9) if ligne(ws, r)[0] == "Région Hauts-de-France")
    assert ligne(ws, region)[1:5] == [2000.0, 1500.0, 1, -500.0]
    financeurs = next(iter(ws.charts))
    assert bornes(financeurs.source)[1::2] == (1, 3)  # A à C : demandes et enveloppes
    assert financeurs.legend.visible is True
    assert financeurs.title == "Total demandé par financeur (trait pointillé : enveloppe)"
    assert ws.formats[(region, 6)] == "0.0 %"  # part de l'enveloppe demandée : 133,3 %
    assert ligne(ws, region)[5] == pytest.approx(2000 / 1500, abs=1e-4)


@pytest.mark.skipif(not os.environ.get("XLWINGS_LICENSE_KEY"),
                    reason="xlwings PRO (Book distant) : définir XLWINGS_LICENSE_KEY (p. ex. « noncommercial »)")
def test_book_distant_xlwings(synthese) -> None:
    import xlwings as xw

    def feuille(nom: str, charts: list[dict] | None = None) -> dict[str, Any]:
        return {"name": nom, "values": [[""]], "pictures": [], "tables": [], "charts": charts or []}

    ancien = {"name": "Synthèse financeurs", "chart_type": "barClustered", "left": 0, "top": 0,
              "width": 10, "height": 10}
    book = xw.Book(json={"client": "Office.js", "version": xw.__version__,
                         "book": {"name": "programmation-2023.xlsm", "active_sheet_index": 0, "selection": "A1"},
                         "names": [], "sheets": [feuille("Programmation"), feuille(FEUILLE, [ancien])]})
    ecrire_synthese(book, synthese)
    actions = book.json()["actions"]
    funcs = [a["func"] for a in actions]
    assert funcs.index("sheetClear") < funcs.index("deleteChart") < funcs.index("addChart")
    ajouts = [a["args"] for a in actions if a["func"] == "addChart"]
    assert len(ajouts) == _nb_graphiques(synthese) and all(a[2] == FEUILLE for a in ajouts)
    assert {a["args"][1] for a in actions if a["func"] == "setChartType"} == {"BarClustered"}
    (valeurs,) = [a["values"] for a in actions if a["func"] == "setValues"]
    ligne = next(r for r in valeurs if r and r[0] == "État (politique de la ville)")
    assert ligne[1:3] == [11000.0, 2]
    # La source du premier graphique commence à l'en-tête du tableau des financeurs.
    debut = int(re.match(r"\$A\$(\d+)", ajouts[0][3]).group(1))
    assert valeurs[debut - 1][:2] == ["Financeur", "Total demandé"]
