"""La feuille Synthèse du classeur (``ecrire_synthese(book, synthese)``) : contre un faux Book qui
imite l'API xlwings utilisée (et refuse le reste : AttributeError), puis contre le Book distant
d'xlwings (xlwings Server / Lite, sauté sans ``XLWINGS_LICENSE_KEY``)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from dataclasses import replace
from typing import Any

import pytest

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


# --- le faux Book ---------------------------------------------------------------------------------

_CELLULE = re.compile(r"^([A-Z]+)(\d+)$")


def _num(lettres: str) -> int:
    n = 0
    for c in lettres:
        n = n * 26 + ord(c) - 64
    return n


def _bornes(adresse: str) -> tuple[int, int, int, int] | None:
    """(ligne1, col1, ligne2, col2) ; None pour une colonne entière (« A:A »)."""
    parties = adresse.replace("$", "").split(":")
    if all(re.fullmatch(r"[A-Z]+", p) for p in parties):
        return None
    coins = [_CELLULE.match(p) for p in parties]
    (l1, c1), (l2, c2) = [(int(m.group(2)), _num(m.group(1))) for m in (coins[0], coins[-1])]
    return l1, c1, l2, c2


class FauxFont:
    __slots__ = ("_plage",)

    def __init__(self, plage: FauxRange) -> None:
        self._plage = plage

    def _poser(self, cle: str, v: Any) -> None:
        for c in self._plage.cellules():
            self._plage.feuille.polices.setdefault(c, {})[cle] = v

    bold = property(lambda self: None, lambda self, v: self._poser("bold", v))
    size = property(lambda self: None, lambda self, v: self._poser("size", v))
    italic = property(lambda self: None, lambda self, v: self._poser("italic", v))
    color = property(lambda self: None, lambda self, v: self._poser("color", v))


class FauxRange:
    __slots__ = ("adresse", "feuille")

    def __init__(self, feuille: FauxSheet, adresse: str) -> None:
        self.feuille, self.adresse = feuille, adresse

    def cellules(self) -> list[tuple[int, int]]:
        b = _bornes(self.adresse)
        if b is None:
            return []
        return [(r, c) for r in range(b[0], b[2] + 1) for c in range(b[1], b[3] + 1)]

    @property
    def value(self) -> Any:
        return self.feuille.valeurs.get(self.cellules()[0])

    @value.setter
    def value(self, v: Any) -> None:
        l0, c0, _, _ = _bornes(self.adresse)
        rangees = v if isinstance(v, list) and v and isinstance(v[0], list) else [[v]]
        for i, rangee in enumerate(rangees):
            for j, x in enumerate(rangee):
                cle = (l0 + i, c0 + j)
                # Comme Excel : « 2023-02 » devient une date, sauf dans une cellule au format texte.
                if isinstance(x, str) and re.fullmatch(r"\d{4}-\d{1,2}", x) and self.feuille.formats.get(cle) != "@":
                    x = dt.datetime(int(x[:4]), int(x[5:]), 1)
                if x is None:
                    self.feuille.valeurs.pop(cle, None)
                else:
                    self.feuille.valeurs[cle] = x

    number_format = property(lambda self: None, lambda self, v: self.feuille.formats.update(
        dict.fromkeys(self.cellules(), v)))
    color = property(lambda self: None, lambda self, v: self.feuille.fonds.update(dict.fromkeys(self.cellules(), v)))

    @property
    def font(self) -> FauxFont:
        return FauxFont(self)

    @property
    def column_width(self) -> float:
        return self.feuille.largeurs.get(self.adresse, 8.43)

    @column_width.setter
    def column_width(self, v: float) -> None:
        self.feuille.largeurs[self.adresse] = v

    @property
    def left(self) -> float:
        if not self.feuille.book.positions:
            raise NotImplementedError("lecture asynchrone seulement (xlwings Server)")
        _, c, _, _ = _bornes(self.adresse)
        return sum((self.feuille.largeurs.get(f"{chr(64 + k)}:{chr(64 + k)}", 8.43) * 7 + 5) * 0.75
                   for k in range(1, c))

    @property
    def top(self) -> float:
        if not self.feuille.book.positions:
            raise NotImplementedError("lecture asynchrone seulement (xlwings Server)")
        return (_bornes(self.adresse)[0] - 1) * 15.0


class FauxAxe:
    __slots__ = ("number_format", "reverse_order")


class FauxLegende:
    __slots__ = ("visible",)


class FauxChart:
    __slots__ = ("_feuille", "category_axis", "chart_type", "height", "left", "legend", "name", "source",
                 "title", "top", "value_axis", "width")

    def __init__(self, feuille: FauxSheet, left: float, top: float, width: float, height: float) -> None:
        self._feuille = feuille
        self.left, self.top, self.width, self.height = left, top, width, height
        self.source = self.chart_type = self.title = None
        self.name = f"Graphique {len(feuille.charts.liste) + 1}"
        self.legend, self.category_axis, self.value_axis = FauxLegende(), FauxAxe(), FauxAxe()

    def set_source_data(self, source: FauxRange, plot_by: str | None = None) -> None:
        self.source = source.adresse

    def delete(self) -> None:
        self._feuille.charts.liste.remove(self)


class FauxCharts:
    __slots__ = ("feuille", "liste")

    def __init__(self, feuille: FauxSheet) -> None:
        self.feuille, self.liste = feuille, []

    def __iter__(self):
        return iter(list(self.liste))

    def __len__(self) -> int:
        return len(self.liste)

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211) -> FauxChart:
        graphique = FauxChart(self.feuille, left, top, width, height)
        self.liste.append(graphique)
        return graphique


class FauxSheet:
    __slots__ = ("book", "charts", "fonds", "formats", "largeurs", "name", "polices", "valeurs")

    def __init__(self, book: FauxBook, name: str) -> None:
        self.book, self.name = book, name
        self.valeurs: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.fonds: dict[tuple[int, int], Any] = {}
        self.polices: dict[tuple[int, int], dict[str, Any]] = {}
        self.largeurs: dict[str, float] = {}
        self.charts = FauxCharts(self)

    def __getitem__(self, adresse: str) -> FauxRange:
        return FauxRange(self, adresse)

    def range(self, adresse: str) -> FauxRange:
        return FauxRange(self, adresse)

    def clear(self) -> None:  # comme Excel : contenu et formats, pas les graphiques
        for d in (self.valeurs, self.formats, self.fonds, self.polices):
            d.clear()

    def ligne(self, n: int) -> list[Any]:
        return [self.valeurs.get((n, c)) for c in range(1, 10)]

    def chercher(self, texte: str) -> int:
        return next(r for (r, c), v in sorted(self.valeurs.items()) if c == 1 and v == texte)


class FauxSheets:
    __slots__ = ("book", "liste")

    def __init__(self, book: FauxBook) -> None:
        self.book, self.liste = book, []

    def __iter__(self):
        return iter(self.liste)

    def __len__(self) -> int:
        return len(self.liste)

    def __getitem__(self, cle: int | str) -> FauxSheet:
        if isinstance(cle, int):
            return self.liste[cle]
        return next(s for s in self.liste if s.name == cle)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FauxSheet:
        feuille = FauxSheet(self.book, name or f"Feuil{len(self.liste) + 1}")
        self.liste.insert(self.liste.index(after) + 1 if after is not None else 0, feuille)
        return feuille


class FauxBook:
    __slots__ = ("name", "positions", "sheets")

    def __init__(self, positions: bool = True) -> None:
        self.name = "programmation-2023.xlsm"
        self.positions = positions  # False : l'hôte ne sait pas lire left/top (xlwings Server)
        self.sheets = FauxSheets(self)
        self.sheets.add("Programmation")
        self.sheets.add("Contrôles", after=self.sheets[0])


# --- tests ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthese() -> dict[str, Any]:
    return _synthese()


def test_feuille_creee_avec_les_chiffres(synthese) -> None:
    book = FauxBook()
    ws = ecrire_synthese(book, synthese, maintenant=dt.datetime(2023, 3, 1, 9, 30))
    assert [s.name for s in book.sheets] == ["Programmation", "Contrôles", FEUILLE]
    assert ws.ligne(1)[0] == "Synthèse pour le comité — programmation 2023"
    assert ws.ligne(ws.chercher("Contrôle lancé le"))[1] == "01/03/2023 à 09:30"
    titre = ws.chercher("Total demandé à chaque financeur")
    assert ws.ligne(titre + 1)[:3] == ["Financeur", "Total demandé", "Dossiers"]
    lignes = {ws.ligne(r)[0]: ws.ligne(r)[1:3] for r in range(titre + 2, titre + 9)}
    # 8 000 (2023-01) + 3 000 (2023-02) ; le dossier refusé n'est pas compté.
    assert lignes["État (politique de la ville)"] == [11000.0, 2]
    assert lignes["Région Hauts-de-France"] == [2000.0, 1]
    assert ws.formats[(titre + 2, 2)] == '#,##0 "€"'
    assert ws.polices[(titre + 1, 1)]["bold"] is True
    porteurs = ws.chercher("Porteurs au marqueur 0 (accompagnement renforcé à proposer)")
    # « 2023-02 » reste un texte : la cellule est au format texte avant l'écriture.
    assert ws.ligne(porteurs + 2)[:2] == ["Zèbre Association", "2023-02"]
    familles = ws.chercher("Constats par famille de règles")
    assert ws.ligne(familles + 1)[:2] == ["Famille", "Constats"]
    assert ws.ligne(ws.chercher("Constats"))[1] == synthese["rubriques"]["socle"]["constats"]["total"]
    communes = ws.chercher("Total demandé par commune")
    assert {ws.ligne(r)[0] for r in range(communes + 2, communes + 4)} == {"Valenciennes", "Anzin"}


def test_graphiques_natifs_en_barres(synthese) -> None:
    book = FauxBook()
    ws = ecrire_synthese(book, synthese)
    graphiques = list(ws.charts)
    assert len(graphiques) == _nb_graphiques(synthese) >= 7
    titres = [g.title for g in graphiques]
    assert titres[:2] == ["Total demandé par financeur", "Total demandé par orientation"]
    assert "Dossiers par marqueur égalité" in titres and "Total demandé par commune" in titres
    assert {g.chart_type for g in graphiques} == {"bar_clustered"}
    for g in graphiques:
        l1, c1, l2, c2 = _bornes(g.source)
        assert (c1, c2) == (1, 2)  # libellés en A, valeurs en B
        assert isinstance(ws.valeurs[(l1, 2)], str)  # l'en-tête donne son nom à la série
        assert all(isinstance(ws.valeurs.get((r, 2)), int | float) for r in range(l1 + 1, l2 + 1))
        assert g.category_axis.reverse_order is True and g.legend.visible is False
        assert g.left > 600  # à droite des tableaux (A : 52 car., B à F : 16)
    financeurs = graphiques[0]
    l1, _, l2, _ = _bornes(financeurs.source)
    assert l2 - l1 == len(synthese["rubriques"]["socle"]["financeurs"])
    assert financeurs.value_axis.number_format == '#,##0 "€"'
    # Les graphiques ne se chevauchent pas.
    for a, b in itertools.pairwise(graphiques):
        assert a.top + a.height <= b.top


def test_second_passage_remplace_tout(synthese) -> None:
    book = FauxBook()
    ws = ecrire_synthese(book, synthese)
    nb = len(ws.charts)
    ws["Z99"].value = "reste d'un passage précédent"
    ws.charts.add()  # un graphique ajouté à la main sur la feuille de l'outil
    ws2 = ecrire_synthese(book, synthese)
    assert ws2 is ws and [s.name for s in book.sheets].count(FEUILLE) == 1
    assert len(ws.charts) == nb
    assert (99, 26) not in ws.valeurs


def test_enveloppe_en_seconde_serie() -> None:
    book = FauxBook(positions=False)  # xlwings Server : positions estimées
    ws = ecrire_synthese(book, _synthese({"enveloppe_region": 1500}))
    titre = ws.chercher("Total demandé à chaque financeur")
    assert ws.ligne(titre + 1)[:4] == ["Financeur", "Total demandé", "Enveloppe 2023", "Dossiers"]
    region = next(r for r in range(titre + 2, titre + 9) if ws.ligne(r)[0] == "Région Hauts-de-France")
    assert ws.ligne(region)[1:5] == [2000.0, 1500.0, 1, -500.0]
    financeurs = next(iter(ws.charts))
    assert _bornes(financeurs.source)[1::2] == (1, 3)  # A à C : demandes et enveloppes
    assert financeurs.legend.visible is True
    assert financeurs.title == "Total demandé par financeur (trait pointillé : enveloppe)"
    assert ws.formats[(region, 6)] == "0.0 %"  # part de l'enveloppe demandée : 133,3 %
    assert ws.ligne(region)[5] == pytest.approx(2000 / 1500, abs=1e-4)


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
