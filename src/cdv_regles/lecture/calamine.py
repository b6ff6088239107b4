"""Adaptateur python-calamine : ouvrir un classeur, choisir la feuille, en tirer la grille.

Toute erreur de calamine (y compris une panique Rust) devient un message français. Les valeurs
lues sont celles en cache des formules ; les lignes masquées sont comprises.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, MutableSequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdv_regles.adresses import adresse_a1
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.entete import EnteteIntrouvable, construire, vide
from cdv_regles.lecture.limites import LIGNES_ENTETE_MAX, Limites
from cdv_regles.lecture.messages import (
    abime,
    formules_sans_valeur,
    liste_feuilles,
    pas_un_tableur,
    protege,
    sans_entete,
    systeme,
    trop_de_cellules,
    trop_loin,
)
from cdv_regles.lecture.table import Feuille, TableBrute

if TYPE_CHECKING:
    from cdv_regles.lecture.archive import Archive


_EXTENSIONS = {"xlsx": {".xlsx", ".xlsm", ".xlam"}, "ods": {".ods"}, "xls": {".xls", ".xla"}}
_CONNUES = {".xlsx", ".xlsm", ".xlam", ".xls", ".xla", ".xlsb", ".ods"}


@contextlib.contextmanager
def appel_calamine(nom: str, fmt: str) -> Iterator[None]:
    """Toute erreur de calamine devient un message, jamais une trace : y compris une panique
    Rust, que pyo3 lève comme PanicException (hors de la hiérarchie d'Exception)."""
    try:
        yield
    except (EntreeInvalide, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:
        raise _erreur_calamine(nom, fmt, e) from None


def _ouvrir(p: Path, nom: str, fmt: str) -> Any:
    import python_calamine as pc

    with appel_calamine(nom, fmt):
        extension = p.suffix
        if extension in _EXTENSIONS[fmt] or extension not in _CONNUES:
            return pc.CalamineWorkbook.from_path(os.fspath(p))
        # Extension trompeuse (un .xlsx nommé .xls…) : calamine choisirait le mauvais lecteur.
        with open(p, "rb") as f:
            return pc.CalamineWorkbook.from_filelike(f)


def _erreur_calamine(nom: str, fmt: str, e: BaseException) -> EntreeInvalide:
    import python_calamine as pc

    if isinstance(e, pc.PasswordError):
        return protege(nom)
    # Le texte de calamine est en anglais : seule sa nature est rapportée, en français.
    texte = str(e).lower()
    if "entity" in texte:
        return EntreeInvalide(
            f"Le classeur « {nom} » contient une entité XML non standard, refusée par sécurité : "
            "enregistrez-le de nouveau depuis Excel au format .xlsx.")
    if "password" in texte or "encrypt" in texte:
        return protege(nom)
    if isinstance(e, MemoryError) or "memory" in texte or "alloc" in texte:
        cause = "mémoire insuffisante pour le lire"
    elif isinstance(e, pc.XmlError) or "xml" in texte:
        cause = "XML illisible dans une feuille"
    elif isinstance(e, pc.ZipError) or "zip" in texte:
        cause = "archive zip illisible"
    elif isinstance(e, OSError):
        cause = systeme(e)
    elif "eof" in texte or "end of" in texte or "truncat" in texte:
        cause = "fin de fichier inattendue : le fichier est tronqué"
    elif fmt == "xls":
        cause = "structure Excel 97-2003 invalide"
    else:
        cause = "structure du classeur invalide"
    if fmt == "xls":
        return pas_un_tableur(nom, f"classeur Excel 97-2003 illisible ({cause})")
    return abime(nom, cause)


def lire_classeur(p: Path, nom: str, fmt: str, archive: Archive | None,
                   limites: Limites) -> TableBrute:
    import python_calamine as pc

    classeur = _ouvrir(p, nom, fmt)
    try:
        with appel_calamine(nom, fmt):
            metas = list(classeur.sheets_metadata)
        if not metas:
            raise EntreeInvalide(f"Le classeur « {nom} » ne contient aucune feuille.")
        choisies = [m for m in metas if est_programmation(m.name)][:1]
        candidates = choisies or [
            m for m in metas
            if m.visible == pc.SheetVisibleEnum.Visible and m.typ == pc.SheetTypeEnum.WorkSheet]
        if not candidates:
            raise EntreeInvalide(
                f"Le classeur « {nom} » n'a aucune feuille de calcul visible "
                f"({liste_feuilles([m.name for m in metas])}) : affichez la feuille du tableau "
                "ou nommez-la « Programmation ».")
        vues, lointaines, vides = [], [], []
        for meta in candidates:
            if archive is not None and archive.sans_entete(meta.name):
                vues.append(meta.name)  # ses premières lignes n'ont pas d'en-têtes : pas lue
                continue
            loin = archive.loin(meta.name) if archive else None
            if loin is not None:
                if choisies:
                    raise trop_loin(nom, meta.name, loin, limites)
                lointaines.append((meta.name, loin))
                continue
            table = _lire_feuille(classeur, meta.name, nom, fmt, archive, limites)
            if table is None:
                vides.append(meta.name)
            elif isinstance(table, TableBrute):
                return table
            vues.append(meta.name)
        if lointaines:
            raise trop_loin(nom, *lointaines[0], limites)
        if vues == vides:
            raise EntreeInvalide(
                f"Le classeur « {nom} » ne contient que des feuilles vides "
                f"({liste_feuilles(vides or [m.name for m in metas])}) : est-ce le bon fichier ?")
        raise sans_entete(f"« {nom} » (feuilles examinées : {liste_feuilles(vues)})")
    finally:
        with contextlib.suppress(Exception):  # déjà fermé : rien à faire
            classeur.close()



def est_programmation(nom_feuille: str) -> bool:
    from cdv_regles.contrat import normaliser_entete

    return normaliser_entete(nom_feuille) == "programmation"


def _lire_feuille(classeur: Any, feuille: str, nom: str, fmt: str, archive: Archive | None,
                  limites: Limites) -> TableBrute | bool | None:
    """La table de la feuille ; None si la feuille est vide, False si elle n'a pas d'en-tête."""
    details = archive.feuille(feuille) if archive else None
    if details is not None and fmt == "xlsx" and details.cellules > limites.cellules_max:
        raise trop_de_cellules(f"La feuille « {feuille} » de « {nom} »", details.cellules, limites)
    with appel_calamine(nom, fmt):
        f = classeur.get_sheet_by_name(feuille)
        depart = f.start
        if depart is None or f.height == 0:
            return None
        nlignes = LIGNES_ENTETE_MAX + limites.lignes_max + 1
        fusions = f.merged_cell_ranges or []
        grille = Rangees(f, depart, min(f.height, nlignes), details.erreurs if details else {}, nom, fmt)
    if not fusions and details is not None:
        fusions = details.fusions  # .ods : relevées dans content.xml
    ligne0, colonne0 = depart
    try:
        table = construire(
            grille, chemin=nom, feuille=feuille, premiere_ligne=ligne0 + 1,
            premiere_colonne=colonne0, numeros_lignes=None, fusions=fusions,
            tableaux=archive.tableaux.get(feuille, []) if archive else None,
            limites=limites, format=fmt)
    except EnteteIntrouvable:
        return False
    if details is not None and details.sans_valeur:
        _verifier_formules(table, details, nom, feuille)
    return table


class Rangees(MutableSequence[list[Any]]):
    """Les rangées d'une feuille, converties en objets Python à la demande, dans l'ordre.

    ``to_python`` convertirait toute la feuille ; or le tableau s'arrête à sa première ligne vide
    et ce qui suit n'est lu que jusqu'à la première rangée non vide. Les codes d'erreur de formule
    relevés dans le XML (calamine les rend vides) sont remis au passage.
    """

    def __init__(self, feuille: Any, depart: tuple[int, int], hauteur: int,
                 erreurs: dict[tuple[int, int], str], nom: str, fmt: str) -> None:
        self._iterateur = iter(feuille.iter_rows())
        self._a_sauter = depart[0]  # iter_rows part de la ligne 1, to_python de la première remplie
        self._hauteur, self._nom, self._fmt = hauteur, nom, fmt
        self._lues: list[list[Any]] = []
        self._erreurs: dict[int, list[tuple[int, str]]] = {}
        for (r, c), code in erreurs.items():
            self._erreurs.setdefault(r - depart[0], []).append((c - depart[1], code))

    def __len__(self) -> int:
        return self._hauteur

    def _lire_jusqua(self, i: int) -> None:
        # Par paquets : une entrée dans appel_calamine pour 256 rangées, pas pour chacune.
        i = min(max(i, len(self._lues) + 255), self._hauteur - 1)
        with appel_calamine(self._nom, self._fmt):
            while self._a_sauter:
                next(self._iterateur)
                self._a_sauter -= 1
            while len(self._lues) <= i:
                rangee = next(self._iterateur)
                for j, code in self._erreurs.get(len(self._lues), ()):
                    if 0 <= j < len(rangee) and vide(rangee[j]):
                        rangee[j] = code
                self._lues.append(rangee)

    def __getitem__(self, i: int) -> list[Any]:  # type: ignore[override]
        if i < len(self._lues) and i >= 0:
            return self._lues[i]
        if not 0 <= i < self._hauteur:
            raise IndexError(i)
        self._lire_jusqua(i)
        return self._lues[i]

    def __setitem__(self, i: int, rangee: list[Any]) -> None:  # type: ignore[override]
        if i >= len(self._lues):
            self._lire_jusqua(i)
        self._lues[i] = rangee

    def __delitem__(self, i: int) -> None:  # type: ignore[override]
        raise TypeError("rangées en lecture seule")

    def insert(self, i: int, rangee: list[Any]) -> None:
        raise TypeError("rangées en lecture seule")


def _verifier_formules(table: TableBrute, details: Feuille, nom: str, feuille: str) -> None:
    """Une formule sans valeur en cache, dans le tableau, serait lue vide : refus explicite."""
    lignes = {n - 1 for n in table.numeros} | {table.ligne_entete - 1}
    colonnes = set(table.colonnes_excel)
    dedans = sorted((r, c) for r, c in details.sans_valeur if r in lignes and c in colonnes)
    if dedans:
        total = len(dedans) if details.sans_valeur_total == len(details.sans_valeur) \
            else max(len(dedans), details.sans_valeur_total)
        raise formules_sans_valeur(nom, feuille, [adresse_a1(c, r + 1) for r, c in dedans], total)

