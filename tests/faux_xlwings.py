"""Un faux Book xlwings pour les tests, partagé par les tests du classeur et de la feuille Synthèse.

Il imite l'API Book d'xlwings que l'outil utilise, et ce qu'Excel en fait :

- valeurs, formules, couleurs de fond, formats, polices et largeurs gardés par cellule ;
- un texte écrit dans une cellule au format standard est interprété comme Excel le fait : « 2023-02 »
  devient le 1er février 2023, « 01/03/2023 » le 3 janvier (ordre US), « 12 » le nombre 12 ; une
  cellule au format texte (« @ ») le garde tel quel ; les nombres sont relus en float ;
- ``sheet.clear()`` efface contenu et formats mais laisse les graphiques ;
- une feuille ajoutée sans ``before``/``after`` va avant la feuille active et devient active ;
- deux feuilles (ou deux graphiques d'une feuille) ne peuvent pas porter le même nom ;
- ``range.left`` / ``range.top`` sont refusés comme sur xlwings Server (``positions=False``).

Chaque classe a des ``__slots__`` et n'expose que ce que la vraie API a : un usage hors API
(attribut inconnu) lève AttributeError et casse les tests. Les dictionnaires d'état (``valeurs``,
``couleurs``…) et ``ecrire`` servent seulement aux tests, pour préparer et inspecter le classeur.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_CELLULE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_COLONNES = re.compile(r"^\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$")
_NOMBRE = re.compile(r"-?\d+(\.\d+)?")
DERNIERE_LIGNE = 1_048_576
LARGEUR_STANDARD = 8.43  # caractères
HAUTEUR_LIGNE = 15.0  # points
_POLICE_STANDARD = {"bold": False, "italic": False, "size": 11.0, "color": "#000000"}  # Calibri 11


# --- adresses ---------------------------------------------------------------------------------

def numero(lettres: str) -> int:
    """« A » → 1, « AA » → 27."""
    n = 0
    for c in lettres:
        n = n * 26 + ord(c) - 64
    return n


def lettres(n: int) -> str:
    """1 → « A », 27 → « AA »."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def cle(adresse_a1: str) -> tuple[int, int]:
    """« C5 » → (5, 3) : la clé des dictionnaires d'une feuille."""
    m = _CELLULE.match(adresse_a1.upper())
    assert m, f"adresse non prise en charge par le faux Book : {adresse_a1}"
    return int(m.group(2)), numero(m.group(1))


def adresse(lc: tuple[int, int]) -> str:
    """(5, 3) → « C5 »."""
    return f"{lettres(lc[1])}{lc[0]}"


def bornes(adresse_a1: str) -> tuple[int, int, int, int]:
    """« $A$3:$B$9 » → (ligne1, colonne1, ligne2, colonne2)."""
    morceaux = adresse_a1.split(":")
    (l1, c1), (l2, c2) = cle(morceaux[0]), cle(morceaux[-1])
    return l1, c1, l2, c2


# --- ce qu'Excel fait des valeurs -------------------------------------------------------------

def relue(v: Any) -> Any:
    """Ce qu'xlwings relit d'une valeur écrite : datetime pour une date, float pour un nombre."""
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def comme_excel(x: str) -> Any:
    """Un texte écrit dans une cellule au format standard, tel qu'Excel (COM, réglages US) le garde."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", x):
            return dt.datetime(int(m.group(1)), int(m.group(2)), 1)
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", x):
            return dt.datetime(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    except ValueError:  # « 13/03/2023 » n'est pas une date US : Excel garde le texte
        return x
    if _NOMBRE.fullmatch(x):
        return float(x)
    return x


def _hex(couleur: Any) -> str | None:
    if couleur is None:
        return None
    if isinstance(couleur, str):
        return couleur.upper()
    return "#{:02X}{:02X}{:02X}".format(*couleur[:3])


def _rgb(couleur: str | None) -> tuple[int, int, int] | None:
    if not couleur:
        return None
    c = couleur.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


# --- les objets de l'API ----------------------------------------------------------------------

class FauxFont:
    """``range.font`` : gras, taille, italique, couleur (None à la lecture si la plage les mêle)."""

    __slots__ = ("_plage",)

    def __init__(self, plage: FauxRange) -> None:
        self._plage = plage

    def _lire(self, cle_police: str) -> Any:
        polices = self._plage.feuille.polices
        vues = {polices.get(c, {}).get(cle_police, _POLICE_STANDARD[cle_police]) for c in self._plage.cellules()}
        return vues.pop() if len(vues) == 1 else None

    def _poser(self, cle_police: str, v: Any) -> None:
        for c in self._plage.cellules():
            self._plage.feuille.polices.setdefault(c, {})[cle_police] = v

    bold = property(lambda self: self._lire("bold"), lambda self, v: self._poser("bold", bool(v)))
    italic = property(lambda self: self._lire("italic"), lambda self, v: self._poser("italic", bool(v)))
    size = property(lambda self: self._lire("size"), lambda self, v: self._poser("size", float(v)))
    color = property(lambda self: _rgb(self._lire("color")), lambda self, v: self._poser("color", _hex(v)))


class FauxRange:
    __slots__ = ("_ndim", "c1", "c2", "feuille", "l1", "l2")

    def __init__(self, feuille: FauxSheet, adresse_a1: str, ndim: int | None = None) -> None:
        self.feuille, self._ndim = feuille, ndim
        adresse_a1 = adresse_a1.upper()
        if m := _COLONNES.match(adresse_a1):  # colonnes entières : « A:A »
            self.l1, self.l2 = 1, DERNIERE_LIGNE
            self.c1, self.c2 = numero(m.group(1)), numero(m.group(2))
            return
        self.l1, self.c1, self.l2, self.c2 = bornes(adresse_a1)

    def cellules(self) -> list[tuple[int, int]]:
        assert self.l2 - self.l1 < 100_000, "plage trop grande pour le faux Book"
        return [(ligne, col) for ligne in range(self.l1, self.l2 + 1) for col in range(self.c1, self.c2 + 1)]

    @property
    def row(self) -> int:
        return self.l1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def address(self) -> str:
        debut = f"${lettres(self.c1)}${self.l1}"
        if (self.l1, self.c1) == (self.l2, self.c2):
            return debut
        return f"{debut}:${lettres(self.c2)}${self.l2}"

    def options(self, ndim: int | None = None, **_: Any) -> FauxRange:
        return FauxRange(self.feuille, f"{lettres(self.c1)}{self.l1}:{lettres(self.c2)}{self.l2}", ndim)

    @property
    def value(self) -> Any:
        lignes = [[self.feuille.valeurs.get((ligne, c)) for c in range(self.c1, self.c2 + 1)]
                  for ligne in range(self.l1, self.l2 + 1)]
        if self._ndim == 2:
            return lignes
        if len(lignes) == 1 and len(lignes[0]) == 1:
            return lignes[0][0]
        if len(lignes) == 1:
            return lignes[0]
        if all(len(r) == 1 for r in lignes):
            return [r[0] for r in lignes]
        return lignes

    @value.setter
    def value(self, v: Any) -> None:
        if isinstance(v, list | tuple):
            lignes = [list(r) for r in v] if v and isinstance(v[0], list | tuple) else [list(v)]
            if len({len(r) for r in lignes}) > 1:  # comme xlwings
                raise ValueError("All elements of a 2d list or tuple must be of the same length")
            for i, rangee in enumerate(lignes):
                for j, x in enumerate(rangee):
                    self.feuille.ecrire_api(self.l1 + i, self.c1 + j, x)
        else:  # une valeur seule remplit toute la plage
            for c in self.cellules():
                self.feuille.ecrire_api(*c, v)

    @property
    def merge_cells(self) -> bool | None:
        """Comme Excel : True si la plage est une zone fusionnée, None si elle en touche une, False sinon."""
        touchees = [f for f in self.feuille.fusions
                    if f[0] <= self.l2 and f[2] >= self.l1 and f[1] <= self.c2 and f[3] >= self.c1]
        if not touchees:
            return False
        return True if touchees == [(self.l1, self.c1, self.l2, self.c2)] else None

    @property
    def merge_area(self) -> FauxRange:
        for l1, c1, l2, c2 in self.feuille.fusions:
            if l1 <= self.l1 <= l2 and c1 <= self.c1 <= c2:
                return FauxRange(self.feuille, f"{lettres(c1)}{l1}:{lettres(c2)}{l2}")
        return FauxRange(self.feuille, f"{lettres(self.c1)}{self.l1}")

    @property
    def formula(self) -> Any:
        return self.feuille.formules.get((self.l1, self.c1), "")

    @formula.setter
    def formula(self, v: Any) -> None:
        lignes = v if isinstance(v, list | tuple) else [[v]]
        for i, rangee in enumerate(lignes):
            for j, x in enumerate(rangee):
                self.feuille.ecrire(self.l1 + i, self.c1 + j, x)

    @property
    def color(self) -> tuple[int, int, int] | None:
        """Comme xlwings : un tuple RGB, None sans couleur de fond."""
        return _rgb(self.feuille.couleurs.get((self.l1, self.c1)))

    @color.setter
    def color(self, v: Any) -> None:
        couleur = _hex(v)
        for c in self.cellules():
            if couleur is None:
                self.feuille.couleurs.pop(c, None)
            else:
                self.feuille.couleurs[c] = couleur

    @property
    def number_format(self) -> str:
        return self.feuille.formats.get((self.l1, self.c1), "General")

    @number_format.setter
    def number_format(self, v: str) -> None:
        for c in self.cellules():
            self.feuille.formats[c] = v

    @property
    def font(self) -> FauxFont:
        return FauxFont(self)

    @property
    def column_width(self) -> float:
        return self.feuille.largeurs.get(self.c1, LARGEUR_STANDARD)

    @column_width.setter
    def column_width(self, v: float) -> None:
        for c in range(self.c1, self.c2 + 1):
            self.feuille.largeurs[c] = v

    @property
    def wrap_text(self) -> bool:
        return all(c in self.feuille.renvois for c in self.cellules())

    @wrap_text.setter
    def wrap_text(self, v: bool) -> None:
        for c in self.cellules():
            if v:
                self.feuille.renvois.add(c)
            else:
                self.feuille.renvois.discard(c)

    def _positions_lisibles(self) -> None:
        if not self.feuille.book.positions:
            raise NotImplementedError("Reading the position synchronously isn't supported on this engine.")

    @property
    def left(self) -> float:
        """En points : (caractères × 7 + 5) pixels par colonne à gauche, × 0,75."""
        self._positions_lisibles()
        return sum((self.feuille.largeurs.get(k, LARGEUR_STANDARD) * 7 + 5) * 0.75 for k in range(1, self.c1))

    @property
    def top(self) -> float:
        self._positions_lisibles()
        return (self.l1 - 1) * HAUTEUR_LIGNE


class FauxTable:
    """Un tableau Excel (ListObject) : son nom et sa plage (``_adresse`` : qu'un test l'agrandisse)."""

    __slots__ = ("_adresse", "feuille", "name")

    def __init__(self, feuille: FauxSheet, name: str, adresse_a1: str) -> None:
        self.feuille, self.name, self._adresse = feuille, name, adresse_a1

    @property
    def range(self) -> FauxRange:
        return FauxRange(self.feuille, self._adresse)


class FauxAxe:
    __slots__ = ("number_format", "reverse_order")

    def __init__(self) -> None:
        self.number_format, self.reverse_order = "General", False


class FauxLegende:
    __slots__ = ("visible",)

    def __init__(self) -> None:
        self.visible = True


class FauxChart:
    __slots__ = ("_feuille", "_nom", "category_axis", "chart_type", "height", "left", "legend", "source",
                 "title", "top", "value_axis", "width")

    def __init__(self, feuille: FauxSheet, nom: str, left: float, top: float, width: float, height: float) -> None:
        self._feuille, self._nom = feuille, nom
        self.left, self.top, self.width, self.height = left, top, width, height
        self.source: str | None = None  # adresse de la plage source (« $A$3:$B$9 »)
        self.chart_type: str | None = None
        self.title: str | None = None
        self.legend, self.category_axis, self.value_axis = FauxLegende(), FauxAxe(), FauxAxe()

    @property
    def name(self) -> str:
        return self._nom

    @name.setter
    def name(self, v: str) -> None:
        if any(g is not self and g.name.casefold() == v.casefold() for g in self._feuille.charts):
            raise ValueError(f"'{v}' is already present on {self._feuille.name}.")  # comme xlwings
        self._nom = v

    def set_source_data(self, source: FauxRange, plot_by: str | None = None) -> None:
        self.source = source.address

    def delete(self) -> None:
        self._feuille.charts.liste.remove(self)


class FauxCharts:
    __slots__ = ("_ajoutes", "feuille", "liste")

    def __init__(self, feuille: FauxSheet) -> None:
        self.feuille, self.liste, self._ajoutes = feuille, [], 0

    def __iter__(self):
        return iter(list(self.liste))

    def __len__(self) -> int:
        return len(self.liste)

    def __getitem__(self, cle_graphique: int | str) -> FauxChart:
        if isinstance(cle_graphique, int):
            return self.liste[cle_graphique]
        return next(g for g in self.liste if g.name.casefold() == cle_graphique.casefold())

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211) -> FauxChart:
        # Excel numérote les graphiques d'une feuille sans réutiliser les numéros des supprimés.
        self._ajoutes += 1
        graphique = FauxChart(self.feuille, f"Graphique {self._ajoutes}", left, top, width, height)
        self.liste.append(graphique)
        return graphique


class FauxPageSetup:
    """``Sheet.page_setup`` d'xlwings : seule la zone d'impression est dans l'API Book."""

    def __init__(self) -> None:
        self.print_area: str | None = None


class FauxSheet:
    __slots__ = ("book", "charts", "couleurs", "formats", "formules", "fusions", "largeurs", "name", "page_setup",
                 "polices", "renvois", "tables", "valeurs", "visible")

    def __init__(self, book: FauxBook, name: str) -> None:
        self.book, self.name = book, name
        self.valeurs: dict[tuple[int, int], Any] = {}
        self.formules: dict[tuple[int, int], str] = {}
        self.couleurs: dict[tuple[int, int], str] = {}  # fond, « #RRGGBB »
        self.formats: dict[tuple[int, int], str] = {}
        self.polices: dict[tuple[int, int], dict[str, Any]] = {}
        self.renvois: set[tuple[int, int]] = set()  # renvoi à la ligne automatique
        self.largeurs: dict[int, float] = {}  # par numéro de colonne
        self.tables: list[FauxTable] = []
        self.fusions: list[tuple[int, int, int, int]] = []  # (l1, c1, l2, c2), numéros Excel
        self.charts = FauxCharts(self)
        self.page_setup = FauxPageSetup()
        self.visible = True

    def ecrire_api(self, ligne: int, col: int, x: Any) -> None:
        """Écriture par l'API (``Range.value``) : Excel interprète le texte, garde les nombres en float."""
        if isinstance(x, str) and not x.startswith(("'", "=")) and self.formats.get((ligne, col)) != "@":
            x = comme_excel(x)
        self.ecrire(ligne, col, relue(x))

    def ecrire(self, ligne: int, col: int, x: Any) -> None:
        """Saisie directe (préparation des tests)."""
        if isinstance(x, str) and x.startswith("="):
            self.formules[(ligne, col)] = x
            self.valeurs[(ligne, col)] = x  # Excel calculerait ; le texte suffit ici
            return
        if isinstance(x, str) and x.startswith("'"):
            x = x[1:]
        if x == "":
            x = None
        self.formules.pop((ligne, col), None)
        if x is None:
            self.valeurs.pop((ligne, col), None)
        else:
            self.valeurs[(ligne, col)] = x

    def __getitem__(self, adresse_a1: str) -> FauxRange:
        return FauxRange(self, adresse_a1)

    def range(self, adresse_a1: str) -> FauxRange:
        return FauxRange(self, adresse_a1)

    @property
    def used_range(self) -> FauxRange:
        """Comme Excel : du premier au dernier coin des cellules remplies ou mises en forme ; A1 si vide."""
        cles = set(self.valeurs) | set(self.couleurs) | set(self.formats) | set(self.polices)
        if not cles:
            return FauxRange(self, "A1")
        l1, c1 = min(lc[0] for lc in cles), min(lc[1] for lc in cles)
        l2, c2 = max(lc[0] for lc in cles), max(lc[1] for lc in cles)
        return FauxRange(self, f"{lettres(c1)}{l1}:{lettres(c2)}{l2}")

    def clear(self) -> None:
        """Comme Excel : contenu et formats ; pas les largeurs de colonnes ni les graphiques."""
        for d in (self.valeurs, self.formules, self.couleurs, self.formats, self.polices, self.renvois):
            d.clear()

    def activate(self) -> None:
        self.book.active = self


class FauxSheets:
    __slots__ = ("_liste", "book")

    def __init__(self, book: FauxBook) -> None:
        self.book = book
        self._liste: list[FauxSheet] = []

    def __iter__(self):
        return iter(list(self._liste))

    def __len__(self) -> int:
        return len(self._liste)

    def __getitem__(self, cle_feuille: int | str) -> FauxSheet:
        if isinstance(cle_feuille, int):
            return self._liste[cle_feuille]
        for s in self._liste:  # Excel ignore la casse des noms de feuilles
            if s.name.casefold() == cle_feuille.casefold():
                return s
        raise KeyError(cle_feuille)

    def add(self, name: str | None = None, before: FauxSheet | None = None,
            after: FauxSheet | None = None) -> FauxSheet:
        pris = {s.name.casefold() for s in self._liste}
        if name is None:
            name = next(f"Feuil{n}" for n in range(1, len(self._liste) + 2) if f"feuil{n}" not in pris)
        if name.casefold() in pris:
            raise ValueError(f"Une feuille s'appelle déjà « {name} » (Excel refuse ce nom).")
        feuille = FauxSheet(self.book, name)
        if after is not None:
            position = self._liste.index(after) + 1
        elif before is not None:
            position = self._liste.index(before)
        else:  # comme Excel : avant la feuille active
            position = self._liste.index(self.book.active) if self.book.active in self._liste else 0
        self._liste.insert(position, feuille)
        self.book.active = feuille
        return feuille


class FauxName:
    __slots__ = ("book", "cellule", "feuille")

    def __init__(self, book: FauxBook, feuille: str, cellule: str) -> None:
        self.book, self.feuille, self.cellule = book, feuille, cellule

    @property
    def refers_to_range(self) -> FauxRange:
        return self.book.sheets[self.feuille][self.cellule]


class FauxNames:
    __slots__ = ("noms",)

    def __init__(self) -> None:
        self.noms: dict[str, FauxName] = {}

    def __getitem__(self, nom: str) -> FauxName:
        return self.noms[nom]


class FauxApp:
    __slots__ = ("alertes", "screen_updating")

    def __init__(self) -> None:
        self.alertes: list[dict[str, Any]] = []
        self.screen_updating = True

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        self.alertes.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class FauxBook:
    """Un classeur sans feuille. ``positions=False`` : l'hôte ne sait pas lire left/top (xlwings Server)."""

    __slots__ = ("active", "app", "name", "names", "positions", "sheets")

    def __init__(self, name: str = "programmation-2023.xlsm", *, positions: bool = True) -> None:
        self.name = name
        self.positions = positions
        self.app = FauxApp()
        self.sheets = FauxSheets(self)
        self.names = FauxNames()
        self.active: FauxSheet | None = None


# --- lecture d'une feuille dans les tests -----------------------------------------------------

def ligne(ws: FauxSheet, n: int, colonnes: int = 9) -> list[Any]:
    """Les valeurs des ``colonnes`` premières cellules de la ligne ``n``."""
    return [ws.valeurs.get((n, c)) for c in range(1, colonnes + 1)]


def chercher(ws: FauxSheet, texte: str) -> int:
    """Le numéro de la première ligne dont la colonne A vaut ``texte``."""
    trouvees = sorted(r for (r, c), v in ws.valeurs.items() if c == 1 and v == texte)
    assert trouvees, f"« {texte} » absent de la colonne A de la feuille {ws.name}"
    return trouvees[0]
