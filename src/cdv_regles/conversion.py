"""Du tableau brut (cellules telles que lues) au tableau typé, colonne par colonne.

Une cellule illisible ne fait jamais échouer la lecture : elle devient vide dans le tableau
typé et produit un constat qui donne son adresse A1 et la valeur vue.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdv_regles import valeurs as v
from cdv_regles.adresses import adresse_a1
from cdv_regles.contrat import Colonne, annee_autre, index_entetes, normaliser_entete
from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture import TableBrute
from cdv_regles.referentiels import Referentiels
from cdv_regles.types_colonnes import type_colonne


@dataclass
class Illisible:
    """Une cellule que la conversion n'a pas pu lire."""

    colonne: Colonne
    ligne: int
    cellule: str
    valeur: Any
    detail: str


class Colonnes(MutableMapping[str, list[Any]]):
    """id → valeurs typées (une par dossier).

    Une colonne polars aux valeurs répétées (un CSV lu par colonnes) est gardée « codée » : le
    rang de chaque cellule dans la table de ses valeurs lues, calculé par polars. Elle n'est
    recopiée en liste Python qu'à la demande ; :func:`cdv_regles.moteur.cadre` en fait sa série
    polars sans passer par une liste.
    """

    def __init__(self) -> None:
        # id -> liste, ou (rangs polars, valeurs) tant qu'une colonne codée n'est pas recopiée.
        self._d: dict[str, list[Any] | tuple[Any, list[Any]]] = {}

    def coder(self, cle: str, rangs: Any, valeurs: list[Any]) -> None:
        self._d[cle] = (rangs, valeurs)

    def codee(self, cle: str) -> tuple[Any, list[Any]] | None:
        """(rangs, valeurs) d'une colonne codée pas encore recopiée, sinon None."""
        v = self._d.get(cle)
        return v if isinstance(v, tuple) else None

    def __getitem__(self, cle: str) -> list[Any]:
        v = self._d[cle]
        if isinstance(v, tuple):
            rangs, valeurs = v
            v = self._d[cle] = list(map(valeurs.__getitem__, rangs.to_list()))
        return v

    def __setitem__(self, cle: str, valeurs: list[Any]) -> None:
        self._d[cle] = valeurs

    def __delitem__(self, cle: str) -> None:
        del self._d[cle]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


@dataclass
class Tableau:
    """Le tableau typé et ce qu'il faut savoir pour renvoyer à une cellule du classeur."""

    colonnes: Colonnes                      # id -> valeurs typées (une par dossier)
    types: dict[str, Colonne]               # id -> colonne du contrat
    lignes: list[int]                       # ligne du classeur de chaque dossier
    position: dict[str, int]                # id -> colonne de feuille (0-based), si présente
    entetes_lus: dict[str, str]             # id -> en-tête tel qu'écrit dans le fichier
    absentes: list[Colonne] = field(default_factory=list)
    inconnues: list[str] = field(default_factory=list)
    doubles: list[str] = field(default_factory=list)
    illisibles: list[Illisible] = field(default_factory=list)
    # Cases Oui/Non répondues « Sans objet » : id -> lignes (la valeur typée est vide).
    sans_objet: dict[str, set[int]] = field(default_factory=dict)
    chemin: str = ""
    feuille: str | None = None
    # Première ligne de données restée hors du tableau, après une ligne vide (non contrôlée).
    ligne_donnees_ignorees: int | None = None
    ignorees_sous_tableau: bool = False  # après la fin d'un Tableau Excel, pas après une ligne vide
    # Ce que la lecture a compris, pour le dire à l'agent (rapports, feuille Contrôles).
    ligne_entete: int | None = None
    totaux: list[tuple[int, str]] = field(default_factory=list)  # (ligne, libellé), écartées
    lignes_vides: tuple[int, int] | None = None  # au bas d'un Tableau Excel : (première, dernière)
    format: str = ""  # xlsx, ods, xls, csv, grille (classeur ouvert)

    @property
    def nb_dossiers(self) -> int:
        return len(self.lignes)

    def cellule(self, id_colonne: str, ligne: int) -> str | None:
        pos = self.position.get(id_colonne)
        return adresse_a1(pos, ligne) if pos is not None else None


def _lecteur(col: Colonne, refs: Referentiels) -> Callable[[Any], Any]:
    return type_colonne(col.type).lecteur(col, refs)


def convertir(brute: TableBrute, colonnes: tuple[Colonne, ...], refs: Referentiels) -> Tableau:
    """Reconnaît les en-têtes puis lit chaque cellule selon le type de sa colonne."""
    index = index_entetes(colonnes)
    position: dict[str, int] = {}
    entetes_lus: dict[str, str] = {}
    source: dict[str, int] = {}  # id -> index dans la ligne brute
    inconnues: list[str] = []
    doubles: list[str] = []
    for i, entete in enumerate(brute.entetes):
        if not str(entete).strip():
            continue
        col = index.get(normaliser_entete(entete))
        if col is None:
            # « Bilan intermédiaire 2022 » dans un tableau 2024 : l'en-tête d'une autre année.
            relative = next((c for c in colonnes if annee_autre(c, entete) is not None), None)
            inconnues.append(str(entete) if relative is None else
                             f"{entete} (en-tête d'une autre année : ce millésime attend « {relative.entete} »)")
        elif col.id in source:
            doubles.append(str(entete))
        else:
            source[col.id] = i
            position[col.id] = brute.colonnes_excel[i]
            entetes_lus[col.id] = str(entete)
    manquantes = [c for c in colonnes if c.requis == "O" and c.id not in source]
    if manquantes:
        noms = ", ".join(f"« {c.entete} »" for c in manquantes)
        ou = f"de la feuille « {brute.feuille} »" if brute.feuille else "du fichier"
        raise EntreeInvalide(
            f"{brute.chemin} : colonne(s) obligatoire(s) absente(s) {ou} (ligne d'en-tête "
            f"{brute.ligne_entete}) : {noms}. "
            "Ajoutez-les avec exactement ces en-têtes (la casse et les accents peuvent différer)."
        )
    tableau = Tableau(
        colonnes=Colonnes(), types={c.id: c for c in colonnes}, lignes=list(brute.numeros),
        position=position, entetes_lus=entetes_lus,
        absentes=[c for c in colonnes if c.id not in source], inconnues=inconnues, doubles=doubles,
        chemin=brute.chemin, feuille=brute.feuille, ligne_donnees_ignorees=brute.ligne_donnees_ignorees,
        ignorees_sous_tableau=brute.ignorees_sous_tableau,
        ligne_entete=brute.ligne_entete, totaux=list(brute.totaux), lignes_vides=brute.lignes_vides,
        format=brute.format,
    )
    n = len(brute.numeros)
    # Colonne par colonne, en bloc : les clés et la recopie des valeurs lues se font en C (map,
    # dict) ; seul le lecteur du type tourne en Python, une fois par valeur distincte (une
    # colonne répète beaucoup : Oui/Non, dates, communes, statuts).
    brutes = brute.colonnes
    codees = _coder({i: brutes[i] for i in source.values()}, n)
    for col in colonnes:
        i = source.get(col.id)
        if i is None:
            tableau.colonnes[col.id] = [None] * n
            continue
        lire, lire_textes = _lecteur(col, refs), type_colonne(col.type).lecteur_textes
        if (code := codees.get(i)) is not None:
            _lire_codee(col, lire, *code, brute.numeros, brute.colonnes_excel[i], tableau, lire_textes)
            continue
        if isinstance(brutes[i], list | tuple):
            valeurs = brutes[i]
        else:  # une colonne polars (de textes) aux valeurs presque toutes différentes
            valeurs = brutes[i].to_list()  # type: ignore[attr-defined]
            if lire_textes is not None:  # son lecteur de lots, sans chercher ses valeurs distinctes
                tableau.colonnes[col.id] = _lire_textes(valeurs, lire_textes)
                continue
        tableau.colonnes[col.id] = _lire_colonne(col, lire, valeurs, brute.numeros, brute.colonnes_excel[i],
                                                 tableau, lire_textes)
    return tableau


def _lire_textes(valeurs: list[str | None], lire_textes: Callable[[list[str]], list[Any]]) -> list[Any]:
    """Des textes (et des vides, None) lus par le lecteur de lots du type, qui ne lève jamais :
    ce que :func:`_lire_colonne` en ferait, valeur distincte par valeur distincte."""
    if None not in valeurs:
        return lire_textes(valeurs)  # type: ignore[arg-type]
    lus = iter(lire_textes([v for v in valeurs if v is not None]))
    return [None if v is None else next(lus) for v in valeurs]


def _coder(colonnes: dict[int, Any], n: int) -> dict[int, tuple[list[str], Any]]:
    """Les colonnes polars aux valeurs répétées (au plus une sur deux distincte), par leur clé
    dans ``colonnes`` : (ses valeurs distinctes triées, le rang de chaque cellule parmi elles,
    0 si vide). Calculé en trois passes polars pour toutes les colonnes à la fois."""
    series = {str(i): c for i, c in colonnes.items() if not isinstance(c, list | tuple)}
    if not series or not n:
        return {}
    import polars as pl

    cadre = pl.DataFrame(series)
    comptes = cadre.select(pl.all().n_unique()).row(0)
    repetees = [c for c, compte in zip(cadre.columns, comptes, strict=True) if 2 * compte <= n]
    if not repetees:
        return {}
    # rank("dense") et sort() rangent les textes dans le même ordre : le rang k (à partir de 1)
    # est le k-ième texte trié.
    distinctes = cadre.select(pl.col(c).drop_nulls().unique().sort().implode() for c in repetees).row(0)
    rangs = cadre.select(pl.col(c).rank("dense").fill_null(0).cast(pl.UInt32) for c in repetees)
    return {int(c): (textes, rangs.to_series(k))
            for k, (c, textes) in enumerate(zip(repetees, distinctes, strict=True))}


_NOMBRES = frozenset({bool, int, float})


def _identite(x: Any) -> Any:
    return x


def _lire_colonne(col: Colonne, lire: Callable[[Any], Any], valeurs: Sequence[Any], numeros: list[int],
                  colonne_excel: int, tableau: Tableau,
                  lire_textes: Callable[[list[str]], list[Any]] | None = None) -> list[Any]:
    """Les valeurs typées d'une colonne ; ses cellules illisibles et « Sans objet » notées dans
    ``tableau`` (dans l'ordre des lignes). ``lire_textes`` : le lecteur d'un lot de textes du
    type (voir types_colonnes), qui ne lève jamais."""
    # True == 1 == 1.0 ne doivent pas partager leur lecture : quand une colonne mêle ces
    # classes, la clé porte la classe. Sinon la valeur suffit (pas de millions de paires) ; sans
    # aucun nombre parmi ses valeurs distinctes (un CSV : que des textes), pas de mélange possible.
    distinctes = dict.fromkeys(valeurs)
    if not _NOMBRES.isdisjoint(map(type, distinctes)) and len(set(map(type, valeurs)) & _NOMBRES) > 1:
        cles: Sequence[Any] = list(zip(map(type, valeurs), valeurs, strict=True))
        distinctes, brut_de = dict.fromkeys(cles), operator.itemgetter(1)
    else:
        cles, brut_de = valeurs, _identite
    lues, speciales = _lire_distinctes(distinctes, brut_de, lire, lire_textes)
    # itemgetter(*clés) fait toutes les recherches en C, d'un seul appel (6 fois plus vite que map).
    typees = list(operator.itemgetter(*cles)(lues)) if len(cles) > 1 else [lues[c] for c in cles]
    if speciales:
        _noter(col, [j for j, cle in enumerate(cles) if cle in speciales], typees, valeurs.__getitem__,
               numeros, colonne_excel, tableau)
    return typees


def _lire_codee(col: Colonne, lire: Callable[[Any], Any], textes: list[str], rangs: Any, numeros: list[int],
                colonne_excel: int, tableau: Tableau,
                lire_textes: Callable[[list[str]], list[Any]] | None) -> None:
    """:func:`_lire_colonne` d'une colonne codée (voir :func:`_coder`) : seules ses valeurs
    distinctes passent en Python ; la colonne est gardée codée dans ``tableau.colonnes``."""
    import polars as pl

    lues, speciales = _lire_distinctes(dict.fromkeys(textes), _identite, lire, lire_textes)
    valeurs = [None, *(lues[t] for t in textes)]
    if speciales:
        marques = [False, *(t in speciales for t in textes)]
        positions = pl.Series(marques, dtype=pl.Boolean).gather(rangs).arg_true()
        rangs_vus = rangs.gather(positions).to_list()
        typees = [valeurs[r] for r in rangs_vus]
        _noter(col, list(range(len(rangs_vus))), typees, lambda k: textes[rangs_vus[k] - 1],
               [numeros[j] for j in positions.to_list()], colonne_excel, tableau)
        for r, special in enumerate(marques):
            if special:
                valeurs[r] = None
    tableau.colonnes.coder(col.id, rangs, valeurs)


def _lire_distinctes(distinctes: dict[Any, None], brut_de: Callable[[Any], Any], lire: Callable[[Any], Any],
                     lire_textes: Callable[[list[str]], list[Any]] | None) -> tuple[dict[Any, Any], set[Any]]:
    """La lecture de chaque clé distincte, et celles qui sont « Sans objet » ou illisibles."""
    lues: dict[Any, Any] = {}
    speciales: set[Any] = set()
    if lire_textes is not None and brut_de is _identite:
        # Les textes (souvent tous différents : N° dossier, SIRET) lus d'un coup ; le reste
        # (nombres, dates d'un classeur) un par un ci-dessous.
        textes = [c for c in distinctes if c.__class__ is str]
        lues.update(zip(textes, lire_textes(textes), strict=True))
        distinctes = dict.fromkeys(c for c in distinctes if c not in lues) if len(lues) < len(distinctes) else {}
    for cle in distinctes:
        brut = brut_de(cle)
        if brut is None:
            lues[cle] = None
            continue
        try:
            valeur = lire(brut)
        except v.ValeurIllisible as e:
            valeur = e
        if valeur is v.SANS_OBJET or isinstance(valeur, v.ValeurIllisible):
            speciales.add(cle)
        lues[cle] = valeur
    return lues, speciales


def _noter(col: Colonne, positions: list[int], typees: list[Any], brute: Callable[[int], Any],
           numeros: list[int], colonne_excel: int, tableau: Tableau) -> None:
    """Les cellules « Sans objet » ou illisibles aux ``positions`` : vidées, et notées."""
    for j in positions:
        valeur, typees[j], numero = typees[j], None, numeros[j]
        if valeur is v.SANS_OBJET:
            tableau.sans_objet.setdefault(col.id, set()).add(numero)
        else:
            tableau.illisibles.append(Illisible(
                col, numero, adresse_a1(colonne_excel, numero), brute(j), valeur.message))
