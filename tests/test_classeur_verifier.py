"""``verifier(book)`` contre un petit faux Book qui imite l'API xlwings qu'elle utilise.

Le faux Book garde valeurs, formules, couleurs de fond et formats par cellule, comme Excel ; il
refuse tout appel que la vraie API n'a pas (AttributeError), si bien qu'un usage hors API casse
ces tests.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from cdv_regles.classeur import feuilles as F
from cdv_regles.classeur.controle import verifier

# --- Le faux Book -------------------------------------------------------------------------------

_CELLULE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_COLONNES = re.compile(r"^\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$")


def _num(lettres: str) -> int:
    n = 0
    for c in lettres:
        n = n * 26 + ord(c) - 64
    return n


def _lettres(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _hex_vers_rgb(couleur: str) -> tuple[int, int, int]:
    c = couleur.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _comme_excel(x: str) -> Any:
    """Excel (COM) convertit un texte qui ressemble à une date, sauf dans une cellule au format
    texte : « 2023-02 » devient le 1er février 2023, « 01/03/2023 » le 3 janvier (ordre US)."""
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", x):
        return dt.datetime(int(m.group(1)), int(m.group(2)), 1)
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", x):
        return dt.datetime(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    return x


class FauxFont:
    __slots__ = ("_plage",)

    def __init__(self, plage: FauxRange) -> None:
        self._plage = plage

    @property
    def bold(self) -> bool:
        return all(self._plage.feuille.gras.get(c, False) for c in self._plage.cellules())

    @bold.setter
    def bold(self, v: bool) -> None:
        for c in self._plage.cellules():
            self._plage.feuille.gras[c] = v

    @property
    def size(self) -> float:
        return 11

    @size.setter
    def size(self, v: float) -> None:
        pass


class FauxRange:
    __slots__ = ("_ndim", "c1", "c2", "feuille", "l1", "l2")

    def __init__(self, feuille: FauxSheet, adresse: str, ndim: int | None = None) -> None:
        self.feuille, self._ndim = feuille, ndim
        adresse = adresse.upper()
        if m := _COLONNES.match(adresse):
            self.l1, self.l2 = 1, 1048576
            self.c1, self.c2 = _num(m.group(1)), _num(m.group(2))
            return
        morceaux = adresse.split(":")
        (self.l1, self.c1), (self.l2, self.c2) = (self._lire(morceaux[0]), self._lire(morceaux[-1]))

    @staticmethod
    def _lire(a: str) -> tuple[int, int]:
        m = _CELLULE.match(a)
        assert m, f"adresse non prise en charge par le faux Book : {a}"
        return int(m.group(2)), _num(m.group(1))

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
        return f"${_lettres(self.c1)}${self.l1}:${_lettres(self.c2)}${self.l2}"

    def options(self, ndim: int | None = None, **_: Any) -> FauxRange:
        return FauxRange(self.feuille, f"{_lettres(self.c1)}{self.l1}:{_lettres(self.c2)}{self.l2}", ndim)

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
        else:
            for c in self.cellules():
                self.feuille.ecrire_api(*c, v)

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
        c = self.feuille.couleurs.get((self.l1, self.c1))
        return _hex_vers_rgb(c) if c else None

    @color.setter
    def color(self, v: Any) -> None:
        if v is not None and not isinstance(v, str):
            v = "#{:02X}{:02X}{:02X}".format(*v)
        for c in self.cellules():
            if v is None:
                self.feuille.couleurs.pop(c, None)
            else:
                self.feuille.couleurs[c] = v.upper()

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
        return self.feuille.largeurs.get(self.c1, 8.43)

    @column_width.setter
    def column_width(self, v: float) -> None:
        for c in range(self.c1, self.c2 + 1):
            self.feuille.largeurs[c] = v

    @property
    def wrap_text(self) -> bool:
        return False

    @wrap_text.setter
    def wrap_text(self, v: bool) -> None:
        pass


class FauxTable:
    __slots__ = ("_adresse", "feuille", "name")

    def __init__(self, feuille: FauxSheet, name: str, adresse: str) -> None:
        self.feuille, self.name, self._adresse = feuille, name, adresse

    @property
    def range(self) -> FauxRange:
        return FauxRange(self.feuille, self._adresse)


class FauxSheet:
    def __init__(self, book: FauxBook, name: str) -> None:
        self.book, self.name = book, name
        self.valeurs: dict[tuple[int, int], Any] = {}
        self.formules: dict[tuple[int, int], str] = {}
        self.couleurs: dict[tuple[int, int], str] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.gras: dict[tuple[int, int], bool] = {}
        self.largeurs: dict[int, float] = {}
        self.tables: list[FauxTable] = []
        self.visible = True

    def ecrire_api(self, ligne: int, col: int, x: Any) -> None:
        """Écriture par l'API (``Range.value``) : Excel interprète le texte."""
        if isinstance(x, str) and not x.startswith(("'", "=")) and self.formats.get((ligne, col)) != "@":
            x = _comme_excel(x)
        self.ecrire(ligne, col, x)

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

    def __getitem__(self, adresse: str) -> FauxRange:
        return FauxRange(self, adresse)

    def range(self, adresse: str) -> FauxRange:
        return FauxRange(self, adresse)

    @property
    def used_range(self) -> FauxRange:
        cles = set(self.valeurs) | set(self.couleurs)
        if not cles:
            return FauxRange(self, "A1")
        l2 = max(lc[0] for lc in cles)
        c2 = max(lc[1] for lc in cles)
        return FauxRange(self, f"A1:{_lettres(c2)}{l2}")

    def clear(self) -> None:
        for d in (self.valeurs, self.formules, self.couleurs, self.formats, self.gras):
            d.clear()

    def activate(self) -> None:
        self.book.active = self


class FauxSheets:
    def __init__(self, book: FauxBook) -> None:
        self.book = book
        self._liste: list[FauxSheet] = []

    def __iter__(self):
        return iter(list(self._liste))

    def __len__(self) -> int:
        return len(self._liste)

    def __getitem__(self, cle: int | str) -> FauxSheet:
        if isinstance(cle, int):
            return self._liste[cle]
        for s in self._liste:
            if s.name.lower() == cle.lower():
                return s
        raise KeyError(cle)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FauxSheet:
        assert name and name.lower() not in (s.name.lower() for s in self._liste)
        feuille = FauxSheet(self.book, name)
        position = self._liste.index(after) + 1 if after is not None else len(self._liste)
        self._liste.insert(position, feuille)
        self.book.active = feuille
        return feuille


class FauxName:
    def __init__(self, book: FauxBook, feuille: str, cellule: str) -> None:
        self.book, self.feuille, self.cellule = book, feuille, cellule

    @property
    def refers_to_range(self) -> FauxRange:
        return self.book.sheets[self.feuille][self.cellule]


class FauxNames:
    def __init__(self) -> None:
        self.noms: dict[str, FauxName] = {}

    def __getitem__(self, nom: str) -> FauxName:
        return self.noms[nom]


class FauxApp:
    def __init__(self) -> None:
        self.alertes: list[dict[str, Any]] = []
        self.screen_updating = True

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        self.alertes.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class FauxBook:
    def __init__(self, name: str = "programmation-2023.xlsm") -> None:
        self.name = name
        self.app = FauxApp()
        self.sheets = FauxSheets(self)
        self.names = FauxNames()
        self.active: FauxSheet | None = None


# --- Fabrication d'un classeur de test -------------------------------------------------------

def _colonnes() -> list:
    from cdv_regles import catalogue, greffons

    return list(catalogue.construire(greffons.charger(), 2023).colonnes)


def _en_excel(v: Any) -> Any:
    """Ce qu'xlwings renvoie pour une cellule : datetime pour une date, float pour un nombre."""
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, bool):
        return "Oui" if v else "Non"
    if isinstance(v, int):
        return float(v)
    return v


def dossiers_exemple() -> tuple[dt.date, list[dict[str, Any]]]:
    """Cinq dossiers : un en règle, les autres avec un problème connu de chaque gravité."""
    from cdv_regles.exemples import dossier_type

    date_ref, base = dossier_type(2023)
    d1 = {**base, "numero_dossier": "2023-01", "porteur": "Association Les Tilleuls"}
    d2 = {**base, "numero_dossier": "2023-02", "porteur": None}  # obligatoire manquant
    d3 = {**base, "numero_dossier": "2023-03", "cout_total": "douze mille"}  # illisible
    d4 = {**base, "numero_dossier": "2023-04", "marqueur_egalite": None}  # alerte
    d5 = {**base, "numero_dossier": "2023-05", "diagnostic_sexue": "Non",  # info
          "participation_equilibree": "Non", "marqueur_egalite": 0}
    return date_ref, [d1, d2, d3, d4, d5]


def classeur_de_test(dossiers: list[dict[str, Any]], *, ligne: int = 1, colonne: int = 1,
                     tableau: bool = True, millesime: int | None = 2023) -> FauxBook:
    book = FauxBook()
    prog = book.sheets.add(F.FEUILLE_PROGRAMMATION)
    book.sheets.add(F.FEUILLE_REFERENTIELS, after=prog)
    colonnes = _colonnes()
    for j, c in enumerate(colonnes):
        prog.ecrire(ligne, colonne + j, c.entete)
    for i, d in enumerate(dossiers, start=1):
        for j, c in enumerate(colonnes):
            prog.ecrire(ligne + i, colonne + j, _en_excel(d.get(c.id)))
    if tableau:
        fin = f"{_lettres(colonne + len(colonnes) - 1)}{ligne + len(dossiers)}"
        prog.tables.append(FauxTable(prog, F.TABLEAU, f"{_lettres(colonne)}{ligne}:{fin}"))
    if millesime is not None:
        book.sheets[F.FEUILLE_REFERENTIELS].ecrire(3, 2, float(millesime))
        book.names.noms[F.NOM_MILLESIME] = FauxName(book, F.FEUILLE_REFERENTIELS, "B3")
    return book


def adresse_de(book: FauxBook, dossier: str, entete: str) -> str:
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    ligne = next(lc[0] for lc, v in prog.valeurs.items() if v == dossier)
    col = next(lc[1] for lc, v in prog.valeurs.items() if v == entete)
    return f"{_lettres(col)}{ligne}"


def attendu(book: FauxBook, date_ref: dt.date) -> Any:
    """Ce que le moteur de la ligne de commande trouve sur les mêmes valeurs."""
    from cdv_regles.lecture import table_depuis_valeurs
    from cdv_regles.verification import verifier_table

    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    valeurs = prog.used_range.options(ndim=2).value
    brute = table_depuis_valeurs(valeurs, chemin=book.name, feuille=prog.name, premiere_ligne=1,
                                 premiere_colonne=0)
    return verifier_table(brute, millesime=2023, date_reference=date_ref)


@pytest.fixture(scope="module")
def exemple() -> tuple[dt.date, list[dict[str, Any]]]:
    return dossiers_exemple()


# --- Les tests ---------------------------------------------------------------------------------

def test_controles_une_ligne_par_constat_du_moteur(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    resume = verifier(book, date_reference=date_ref)
    ref = attendu(book, date_ref)
    assert "erreur" not in resume, resume
    assert resume["constats"] == len(ref.constats) > 0

    controles = book.sheets[F.FEUILLE_CONTROLES]
    lignes = controles.used_range.options(ndim=2).value
    assert lignes[0][:8] == ["Gravité", "Dossier", "Ligne", "Règle", "Famille", "Partenaire",
                             "Colonne(s)", "Message"]
    assert len(lignes) - 1 == len(ref.constats)
    vus = {(r[1] or "", r[3], r[7]) for r in lignes[1:]}
    assert vus == {(c.dossier, c.regle, c.message) for c in ref.constats}
    # Le dossier 2023-02 (porteur vide) a son constat « obligatoire », avec un lien vers la cellule.
    cellule = adresse_de(book, "2023-02", "Porteur")
    ligne = next(i for i, r in enumerate(lignes, start=1)
                 if r[1] == "2023-02" and r[3].startswith("SCH-OBLIGATOIRE"))
    assert lignes[ligne - 1][0] == "Bloquant"
    assert controles.formules[(ligne, 9)] == f'=HYPERLINK("#\'Programmation\'!{cellule}","{cellule}")'
    # « 2023-02 » reste un texte (pas une date) : colonne au format texte.
    assert controles.formats[(ligne, 2)] == "@"


def test_cellules_en_cause_colorees_selon_la_gravite(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    verifier(book, date_reference=date_ref)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    assert prog.couleurs[_cle(adresse_de(book, "2023-02", "Porteur"))] == F.COULEURS["bloquant"]
    assert prog.couleurs[_cle(adresse_de(book, "2023-03", "Coût total de l'action"))] == \
        F.COULEURS["bloquant"]
    assert prog.couleurs[_cle(adresse_de(book, "2023-04", "Marqueur égalité"))] == F.COULEURS["alerte"]
    assert prog.couleurs[_cle(adresse_de(book, "2023-05", "Marqueur égalité"))] == F.COULEURS["info"]
    # Les dossiers en règle ne sont pas colorés sur ces colonnes.
    assert _cle(adresse_de(book, "2023-01", "Porteur")) not in prog.couleurs
    ref = attendu(book, date_ref)
    colorees = {_adresse(lc) for lc in prog.couleurs}
    assert colorees == {a for c in ref.constats for a in ref.cellules(c)}


def _cle(adresse: str) -> tuple[int, int]:
    m = _CELLULE.match(adresse)
    return int(m.group(2)), _num(m.group(1))


def _adresse(lc: tuple[int, int]) -> str:
    return f"{_lettres(lc[1])}{lc[0]}"


def test_synthese_et_boite_de_message(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    maintenant = dt.datetime(2022, 12, 5, 9, 30)
    resume = verifier(book, date_reference=date_ref, maintenant=maintenant)
    synthese = dict((r[0], r[1]) for r in
                    book.sheets[F.FEUILLE_SYNTHESE].used_range.options(ndim=2).value if r[0])
    assert synthese["Contrôle lancé le"] == "05/12/2022 à 09:30"
    assert synthese["Millésime"] == 2023
    assert synthese["Date de référence des échéances"] == date_ref.strftime("%d/%m/%Y")
    assert synthese["Version des règles"] == resume["version_regles"]
    assert synthese["Dossiers lus"] == 5
    assert synthese["Alerte"] == resume["par_gravite"]["alerte"] >= 1
    assert synthese["Info"] == resume["par_gravite"]["info"] >= 1
    assert synthese["Bloquant"] == resume["par_gravite"]["bloquant"] >= 2
    assert synthese["schema"] == resume["par_famille"]["schema"]
    assert synthese["socle"] == resume["par_partenaire"]["socle"]

    (alerte,) = book.app.alertes
    assert alerte["mode"] == "info"
    n = resume["par_gravite"]["bloquant"]
    assert f"{resume['constats']} constat(s)" in alerte["prompt"]
    assert f"{n} bloquant" in alerte["prompt"] and "feuille Contrôles" in alerte["prompt"]
    assert book.active is book.sheets[F.FEUILLE_CONTROLES]


def test_les_valeurs_saisies_ne_changent_jamais(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    avant = dict(prog.valeurs)
    verifier(book, date_reference=date_ref)
    verifier(book, date_reference=date_ref)
    assert prog.valeurs == avant and not prog.formules


def test_second_passage_efface_les_couleurs_du_premier(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    porteur_vide = _cle(adresse_de(book, "2023-02", "Porteur"))
    verifier(book, date_reference=date_ref)
    assert porteur_vide in prog.couleurs
    n_controles = len(book.sheets[F.FEUILLE_CONTROLES].used_range.value)

    prog.ecrire(*porteur_vide, "Maison de quartier")  # l'utilisatrice corrige
    verifier(book, date_reference=date_ref)
    assert porteur_vide not in prog.couleurs
    assert len(book.sheets[F.FEUILLE_CONTROLES].used_range.value) == n_controles - 1
    # Une seule feuille de chaque sorte, la mémoire est masquée.
    noms = [s.name for s in book.sheets]
    assert noms.count(F.FEUILLE_CONTROLES) == 1 and noms.count(F.FEUILLE_MEMOIRE) == 1
    assert book.sheets[F.FEUILLE_MEMOIRE].visible is False


def test_couleurs_de_l_utilisatrice_preservees(exemple) -> None:
    """Une cellule qu'elle avait colorée retrouve sa couleur ; les autres ne sont pas touchées."""
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    porteur_vide = _cle(adresse_de(book, "2023-02", "Porteur"))
    ailleurs = _cle(adresse_de(book, "2023-01", "Intitulé de l'action"))
    prog.couleurs[porteur_vide] = "#00B050"
    prog.couleurs[ailleurs] = "#7030A0"
    verifier(book, date_reference=date_ref)
    assert prog.couleurs[porteur_vide] == F.COULEURS["bloquant"]
    prog.ecrire(*porteur_vide, "Maison de quartier")
    verifier(book, date_reference=date_ref)
    assert prog.couleurs[porteur_vide] == "#00B050"
    assert prog.couleurs[ailleurs] == "#7030A0"


def test_lignes_triees_entre_deux_passages(exemple) -> None:
    """Les lignes ont bougé (tri) : on efface la couleur là où la cellule se trouve maintenant."""
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    verifier(book, date_reference=date_ref)
    # Tri décroissant par N° dossier : valeurs et couleurs des lignes 2 à 6 inversées.
    colonnes = {lc[1] for lc in prog.valeurs}
    for col in colonnes:
        vals = [prog.valeurs.get((ligne, col)) for ligne in range(2, 7)]
        couls = [prog.couleurs.get((ligne, col)) for ligne in range(2, 7)]
        for k, ligne in enumerate(range(6, 1, -1)):
            prog.ecrire(ligne, col, vals[k])
            if couls[k]:
                prog.couleurs[(ligne, col)] = couls[k]
            else:
                prog.couleurs.pop((ligne, col), None)
    porteur_vide = _cle(adresse_de(book, "2023-02", "Porteur"))
    assert porteur_vide in prog.couleurs
    prog.ecrire(*porteur_vide, "Maison de quartier")
    verifier(book, date_reference=date_ref)
    ref = attendu(book, date_ref)
    assert {_adresse(lc) for lc in prog.couleurs} == {a for c in ref.constats for a in ref.cellules(c)}


def test_tableau_ailleurs_qu_en_a1_et_sans_objet_tableau(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers, ligne=3, colonne=2, tableau=False)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    # Le porteur vide du 2e dossier est en ligne 5 (en-tête en ligne 3), colonne C.
    assert prog.couleurs[(5, 3)] == F.COULEURS["bloquant"]


def test_echec_message_en_francais_classeur_intact() -> None:
    book = FauxBook()
    book.sheets.add("Feuil1")
    book.sheets["Feuil1"].ecrire(1, 1, "x")
    resume = verifier(book)
    (alerte,) = book.app.alertes
    assert alerte["mode"] == "critical"
    assert "n'a pas de feuille « Programmation »" in alerte["prompt"]
    assert "Feuil1" in alerte["prompt"] and "Traceback" not in alerte["prompt"]
    assert resume == {"erreur": alerte["prompt"]}
    assert [s.name for s in book.sheets] == ["Feuil1"]
    assert book.app.screen_updating is True


def test_feuille_vide_et_erreur_imprevue(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    book = classeur_de_test([])
    book.sheets[F.FEUILLE_PROGRAMMATION].valeurs.clear()
    verifier(book)
    assert "est vide" in book.app.alertes[-1]["prompt"]

    # Une panne imprévue du moteur : message français, trace seulement dans le journal.
    date_ref, dossiers = dossiers_exemple()
    book = classeur_de_test(dossiers)
    import cdv_regles.verification as v

    def panne(*a: Any, **k: Any) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(v, "verifier_table", panne)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    resume = verifier(book, date_reference=date_ref)
    assert "disque plein" in resume["erreur"] and "Vos saisies n'ont pas été modifiées" in resume["erreur"]
    assert "Traceback" not in resume["erreur"]
    journal = tmp_path / "cdv-regles-verifier.log"
    assert "Traceback" in journal.read_text(encoding="utf-8")
    assert book.app.screen_updating is True


def test_millesime_lu_dans_le_classeur(exemple) -> None:
    date_ref, dossiers = exemple
    book = classeur_de_test(dossiers)
    book.sheets[F.FEUILLE_REFERENTIELS].ecrire(3, 2, "vingt")
    resume = verifier(book, date_reference=date_ref)
    assert "« vingt »" in resume["erreur"] and "2023" in resume["erreur"]


# --- Entrée du bouton (RunPython) --------------------------------------------------------------

def test_le_bouton_n_importe_rien_de_lourd() -> None:
    """« import cdv_regles.classeur » est la première chose que fait chaque clic."""
    import subprocess
    import sys

    code = ("import sys, cdv_regles.classeur as c; "
            "print(sorted(m for m in ('polars', 'pandera', 'openpyxl', 'xlwings', 'xlsxwriter', "
            "'pyopenvba', 'yaml') if m in sys.modules))")
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert sortie.stdout.strip() == "[]"


def test_verifier_appelant_utilise_le_classeur_appelant(monkeypatch: pytest.MonkeyPatch, exemple) -> None:
    import xlwings as xw

    import cdv_regles.classeur as c

    _, dossiers = exemple
    book = classeur_de_test(dossiers)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
    c.verifier_appelant()
    assert book.app.alertes and "constat(s)" in book.app.alertes[-1]["prompt"]
    assert F.FEUILLE_CONTROLES in [s.name for s in book.sheets]


def test_verifier_appelant_sans_excel_message_francais() -> None:
    """Sans Excel joignable, le module VBA affiche la sortie d'erreur : elle est en français."""
    import subprocess
    import sys

    sortie = subprocess.run(
        [sys.executable, "-c", "import cdv_regles.classeur as c; c.verifier_appelant()",
         "--wb=programmation-2023.xlsm", "--from_xl=1", "--hwnd=1"],
        capture_output=True, text=True, check=False)
    assert sortie.returncode == 1
    assert "Vérifier n'a pas pu joindre le classeur ouvert dans Excel" in sortie.stderr
    assert "Traceback" not in sortie.stderr


# --- Sur de vrais classeurs (lus avec openpyxl dans le faux Book) ------------------------------

DEPOT = Path(__file__).resolve().parents[1]


def faux_book_depuis_fichier(chemin: Path) -> FauxBook:
    """Valeurs, tableaux Excel et noms définis d'un fichier, comme xlwings les verrait."""
    import openpyxl

    wb = openpyxl.load_workbook(chemin, data_only=True)
    book = FauxBook(chemin.name)
    for ws in wb.worksheets:
        feuille = book.sheets.add(ws.title)
        for rangee in ws.iter_rows():
            for c in rangee:
                if c.value is not None:
                    feuille.ecrire(c.row, c.column, float(c.value) if type(c.value) is int else c.value)
        for nom, ref in ws.tables.items():  # openpyxl : (nom, plage)
            feuille.tables.append(FauxTable(feuille, nom, ref))
    for nom, defini in wb.defined_names.items():
        for feuille, plage in defini.destinations:
            book.names.noms[nom] = FauxName(book, feuille, plage.replace("$", ""))
    return book


def test_verifier_sur_le_classeur_genere(exemple, tmp_path) -> None:
    """Le classeur livré (tableau « Dossiers », millésime nommé) : saisie de dossiers, Vérifier."""
    date_ref, dossiers = exemple
    book = faux_book_depuis_fichier(DEPOT / "classeurs" / "programmation-2023.xlsm")
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    (table,) = prog.tables
    entetes = {v: col for (ligne, col), v in prog.valeurs.items() if ligne == 1}
    colonnes = _colonnes()
    manquants = [c.entete for c in colonnes if c.entete not in entetes]
    assert not manquants, f"classeur versionné pas à jour (colonnes {manquants}) : régénérez-le"
    for i, d in enumerate(dossiers, start=2):
        for c in colonnes:
            prog.ecrire(i, entetes[c.entete], _en_excel(d.get(c.id)))
    # Excel agrandit le tableau quand on saisit sous sa dernière ligne.
    table._adresse = re.sub(r"\d+$", str(len(dossiers) + 1), table._adresse)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    assert resume["millesime"] == 2023 and resume["dossiers"] == len(dossiers)
    assert prog.couleurs[_cle(adresse_de(book, "2023-02", "Porteur"))] == F.COULEURS["bloquant"]
    assert [s.name for s in book.sheets][:3] == [F.FEUILLE_PROGRAMMATION, F.FEUILLE_REFERENTIELS,
                                                 F.FEUILLE_CONFIGURATION]


EXEMPLE = DEPOT / "classeurs" / "exemple-programmation-2023.xlsx"


@pytest.mark.skipif(not EXEMPLE.is_file(), reason="classeur exemple pas encore livré")
def test_verifier_sur_le_classeur_exemple_comme_la_cli() -> None:
    """Le tableau exemple (40 dossiers) : mêmes constats que ``cdv-regles verifier``."""
    from cdv_regles.verification import verifier_fichier

    date_ref = dt.date(2023, 3, 1)
    book = faux_book_depuis_fichier(EXEMPLE)
    resume = verifier(book, date_reference=date_ref)
    assert "erreur" not in resume, resume
    cli = verifier_fichier(EXEMPLE, millesime=2023, date_reference=date_ref)
    assert resume["constats"] == len(cli.constats) and resume["dossiers"] == cli.nb_dossiers
    lignes = book.sheets[F.FEUILLE_CONTROLES].used_range.options(ndim=2).value[1:]
    assert sorted((r[1] or "", r[3], r[7]) for r in lignes) == sorted(
        (c.dossier, c.regle, c.message) for c in cli.constats)
    prog = book.sheets[F.FEUILLE_PROGRAMMATION]
    assert {_adresse(lc) for lc in prog.couleurs} == {a for c in cli.constats for a in cli.cellules(c)}
