"""Repérage de la ligne d'en-têtes et de la fin du tableau dans une grille de valeurs lues.

La ligne d'en-têtes est la première des ``LIGNES_ENTETE_MAX`` premières lignes qui contient au
moins ``ENTETES_MIN`` en-têtes du contrat ; les données s'arrêtent à la première ligne vide.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, MutableSequence, Sequence
from typing import Any

from cdv_regles.erreurs import EntreeInvalide
from cdv_regles.lecture.limites import ENTETES_MIN, LIGNES_ENTETE_MAX, Limites
from cdv_regles.lecture.messages import sans_entete, trop_de_colonnes, trop_de_lignes
from cdv_regles.lecture.table import Fusion, TableauExcel, TableBrute


class EnteteIntrouvable(EntreeInvalide):
    """Pas de ligne d'en-tête dans une grille (permet d'essayer la feuille suivante)."""


def vide(c: Any) -> bool:
    return c is None or (c.__class__ is str and (not c or c.isspace()))


def ligne_vide(rangee: Iterable[Any]) -> bool:
    return all(vide(c) for c in rangee)


def index_contrat() -> dict[str, Any]:
    from cdv_regles.contrat import colonnes_socle, index_entetes

    return index_entetes(colonnes_socle())


def texte_entete(v: Any) -> str:
    from cdv_regles.valeurs import lire_texte

    return lire_texte(v) or ""


def reconnus(rangee: list[Any], index: Mapping[str, Any]) -> int:
    """Nombre de colonnes distinctes du contrat dont l'en-tête figure dans la rangée."""
    from cdv_regles.contrat import normaliser_entete

    vues = set()
    for v in rangee:
        if not vide(v):
            colonne = index.get(normaliser_entete(texte_entete(v)))
            if colonne is not None:
                vues.add(colonne.id)
    return len(vues)



def trouver_entete(rangee: Callable[[int], list[Any]], n: int, index: Mapping[str, Any]) -> int | None:
    """L'indice de la ligne d'en-têtes parmi les ``n`` premières rangées, ou None."""
    return next((i for i in range(min(LIGNES_ENTETE_MAX, n)) if reconnus(rangee(i), index) >= ENTETES_MIN),
                None)


def colonnes_retenues(entete: list[Any]) -> list[int]:
    """Les indices des cellules de la ligne d'en-têtes qui ne sont pas vides : les colonnes lues."""
    return [j for j, v in enumerate(entete) if not vide(v)]


def introuvable(chemin: str, feuille: str | None) -> EnteteIntrouvable:
    ou = f"la feuille « {feuille} » de « {chemin} »" if feuille else f"« {chemin} »"
    return EnteteIntrouvable(sans_entete(ou).message)


def table_depuis_valeurs(
    valeurs: list[list[Any]],
    *,
    chemin: str,
    feuille: str | None,
    premiere_ligne: int = 1,
    premiere_colonne: int = 0,
    fusions: Iterable[Fusion] | None = None,
    tableaux: Iterable[TableauExcel] | None = None,
    limites: Limites | None = None,
) -> TableBrute:
    """Repère l'en-tête et la fin du tableau dans une grille de valeurs déjà lue.

    ``valeurs[0][0]`` est la cellule (``premiere_ligne``, ``premiere_colonne``) de la feuille.
    ``fusions`` (coordonnées 0-based de la feuille, comme calamine) : la cellule en haut à gauche
    donne sa valeur ; dans l'en-tête, les autres colonnes de la fusion sont ignorées ; dans les
    données, une fusion verticale vaut pour chaque ligne qu'elle couvre (c'est ce que voit
    l'utilisateur). ``tableaux`` : les Tableaux Excel de la feuille, dont la fin arrête les données.

    Les données s'arrêtent à la première ligne entièrement vide (toutes ses cellules, y compris
    hors des colonnes qui ont un en-tête) ; ``ligne_donnees_ignorees`` dit s'il y a du contenu après.
    """
    return construire(
        valeurs, chemin=chemin, feuille=feuille, premiere_ligne=premiere_ligne,
        premiere_colonne=premiere_colonne, numeros_lignes=None, fusions=fusions,
        tableaux=tableaux, limites=limites or Limites.depuis_environnement(), format="grille")


#: Rangées après lesquelles une colonne aux valeurs presque toutes différentes (N° de dossier,
#: SIRET) ou qui n'est pas faite de textes (montants d'un classeur) n'a plus de dictionnaire.
ESSAI_COLONNES = 1000


class _Textes(dict):  # type: ignore[type-arg]
    """Les textes déjà vus d'une colonne : chacun donne sa valeur nettoyée (None s'il est vide
    ou d'espaces) et la même chaîne pour des cellules égales. Seuls des ``str`` y entrent : un
    nombre n'y rencontre jamais un nombre égal d'une autre sorte (1, 1.0, True ; 0.0 et -0.0),
    qui le remplacerait. (Une sous-classe de ``str`` égale à un texte vu serait rendue comme ce
    texte : ni csv, ni calamine, ni xlwings n'en donnent.)"""

    __slots__ = ("autres",)

    def __init__(self) -> None:
        super().__init__({"": None})
        self.autres = 0  # cellules qui ne sont pas des textes

    def __missing__(self, c: Any) -> Any:
        if c.__class__ is not str:
            self.autres += 1
            return None if c == "" else c
        v = None if c.isspace() else c
        self[c] = v
        return v


class _Vides(dict):  # type: ignore[type-arg]
    """"" -> None ; toute autre valeur telle quelle, sans la retenir."""

    def __missing__(self, c: Any) -> Any:
        return c


_VIDES = _Vides({"": None})


class _Cellules:
    """Les cellules d'une rangée de données, les vides (``""`` ou espaces) changées en None,
    en C : chaque colonne passe par ses :class:`_Textes` (une colonne répète beaucoup : Oui/Non,
    dates, communes ; la conversion lit alors chaque valeur partagée une seule fois, et bien plus
    vite). Après ``ESSAI_COLONNES`` rangées, une colonne aux valeurs presque toutes différentes,
    ou qui n'est pas faite de textes, ne change plus que "" en None, et ses cellules d'espaces
    sont cherchées rangée par rangée. Une valeur non hachable : rangée lue cellule par cellule.
    """

    def __init__(self, largeur: int) -> None:
        self._vues = [_Textes() for _ in range(largeur)]
        self._lire: list[Any] = [d.__getitem__ for d in self._vues]
        self._rangees = 0
        self._autres: Callable[[list[Any]], Any] | None = None

    def __call__(self, cellules: tuple[Any, ...]) -> list[Any]:
        try:
            ligne = list(map(operator.call, self._lire, cellules))
        except TypeError:
            return _nettoyer_une_a_une(cellules)
        if self._autres is not None:
            if True in map(str.isspace, filter(str.__instancecheck__, self._autres(ligne))):
                return _nettoyer_une_a_une(ligne)
            return ligne
        self._rangees += 1
        if self._rangees == ESSAI_COLONNES:
            self._choisir()
        return ligne

    def _choisir(self) -> None:
        moitie = self._rangees // 2
        autres = [j for j, d in enumerate(self._vues) if len(d) > moitie or d.autres > moitie]
        for j in autres:
            self._lire[j] = _VIDES.__getitem__
        if len(autres) == 1:
            j = autres[0]
            self._autres = lambda ligne: (ligne[j],)
        elif autres:
            self._autres = operator.itemgetter(*autres)


def _nettoyer_une_a_une(cellules: tuple[Any, ...]) -> list[Any]:
    return [None if c == "" or (c.__class__ is str and c.isspace()) else c for c in cellules]


def construire(
    grille: MutableSequence[list[Any]],
    *,
    chemin: str,
    feuille: str | None,
    premiere_ligne: int,
    premiere_colonne: int,
    numeros_lignes: list[int] | None,
    fusions: Iterable[Fusion] | None,
    tableaux: Iterable[TableauExcel] | None,
    limites: Limites,
    format: str,
) -> TableBrute:
    def numero(i: int) -> int:
        return numeros_lignes[i] if numeros_lignes is not None else premiere_ligne + i

    # Les fusions remplacent des rangées : ne pas toucher la liste de l'appelant. Une grille
    # lue à la demande (calamine.Rangees) est à nous : ses rangées ne sont lues que si besoin.
    if isinstance(grille, list):
        grille = list(grille)

    # Fusions ramenées aux indices de la grille ; celles qui débordent de la grille sont ignorées.
    locales = []
    for (r0, c0), (r1, c1) in fusions or ():
        r0, r1 = r0 - (premiere_ligne - 1), r1 - (premiere_ligne - 1)
        c0, c1 = c0 - premiere_colonne, c1 - premiere_colonne
        if 0 <= r0 < len(grille) and c0 >= 0 and r1 >= r0 and c1 >= c0:
            locales.append((r0, c0, r1, c1))

    def rangee_entete(i: int) -> list[Any]:
        rangee = list(grille[i])
        for r0, c0, r1, c1 in locales:
            if r0 <= i <= r1:
                haut = grille[r0][c0] if c0 < len(grille[r0]) else None
                rangee.extend([None] * (c1 + 1 - len(rangee)))
                rangee[c0] = haut
                for c in range(c0 + 1, c1 + 1):
                    rangee[c] = None
        return rangee

    index = index_contrat()
    i_entete = trouver_entete(rangee_entete, len(grille), index)
    if i_entete is None:
        raise introuvable(chemin, feuille)

    entete = rangee_entete(i_entete)
    retenues = colonnes_retenues(entete)
    if len(retenues) > limites.colonnes_max:
        raise trop_de_colonnes(chemin, len(retenues), limites)
    # Les lignes couvertes par une fusion verticale de l'en-tête font partie de l'en-tête.
    debut = 1 + max([i_entete] + [r1 for r0, c0, r1, _ in locales
                                  if r0 <= i_entete <= r1 and c0 in retenues])

    fin_tableau = len(grille)
    ligne_entete = numero(i_entete)
    col_min, col_max = premiere_colonne + retenues[0], premiere_colonne + retenues[-1]
    total_tableau = None  # la ligne de total d'un Tableau Excel : écartée, mais dite
    fin_excel = None  # dernière ligne de données du Tableau Excel (1-based)
    for t in tableaux or ():
        if t.ligne_entete == ligne_entete and t.colonne_debut <= col_max and t.colonne_fin >= col_min:
            fin_tableau = min(fin_tableau, max(debut, t.derniere_ligne - premiere_ligne + 1))
            total_tableau, fin_excel = t.ligne_total, t.derniere_ligne

    # Une fusion verticale dans les données vaut pour toutes les lignes qu'elle couvre.
    for r0, c0, r1, _ in locales:
        if r0 >= debut and r1 > r0 and c0 < len(grille[r0]):
            for r in range(r0 + 1, min(r1, len(grille) - 1) + 1):
                rangee = list(grille[r])
                rangee.extend([None] * (c0 + 1 - len(rangee)))
                rangee[c0] = grille[r0][c0]
                grille[r] = rangee

    lignes: list[list[Any]] = []
    numeros: list[int] = []
    largeur = retenues[-1] + 1
    prendre = operator.itemgetter(*retenues)  # au moins ENTETES_MIN colonnes : un tuple
    ignorees = hors_tableau = None
    nettoyer = _Cellules(len(retenues))
    lignes_max = limites.lignes_max
    i = debut
    while i < fin_tableau:
        rangee = grille[i]
        if (not rangee or vide(rangee[0])) and ligne_vide(rangee):
            ignorees = next((k for k in range(i + 1, len(grille)) if not ligne_vide(grille[k])), None)
            break
        if len(lignes) == lignes_max:
            raise trop_de_lignes(chemin, limites)
        if len(rangee) < largeur:
            rangee = list(rangee) + [None] * (largeur - len(rangee))
        lignes.append(nettoyer(prendre(rangee)))
        numeros.append(numero(i))
        i += 1
    del nettoyer
    # Transposées en C (toutes de la largeur des en-têtes) : la conversion lit par colonnes.
    colonnes: list[Sequence[Any]] = list(zip(*lignes, strict=True)) if lignes else [() for _ in retenues]
    del lignes

    from cdv_regles.lecture.totaux import apres_la_fin, separer

    entetes = [texte_entete(entete[j]) for j in retenues]
    colonnes, numeros, totaux = separer(entetes, colonnes, numeros, index)

    def projetee(k: int) -> list[Any]:
        rangee = grille[k]
        if len(rangee) < largeur:
            rangee = list(rangee) + [None] * (largeur - len(rangee))
        return list(prendre(rangee))

    if ignorees is not None:
        # Un total sous une ligne vide (présentation courante) n'est pas une donnée oubliée.
        suite = [k for k in range(ignorees, len(grille)) if numero(k) != total_tableau]
        apres, premiere = apres_la_fin(entetes, suite, projetee, ligne_vide, index)
        totaux += [(numero(k), libelle) for k, libelle in apres]
        ignorees = numero(premiere) if premiere is not None else None
    elif i == fin_tableau < len(grille):
        # Sous un Tableau Excel (hors de lui) : une ligne « TOTAL » tapée à la main est dite.
        suite = [k for k in range(fin_tableau, len(grille)) if numero(k) != total_tableau]
        apres, premiere = apres_la_fin(entetes, suite, projetee, ligne_vide, index)
        totaux += [(numero(k), libelle) for k, libelle in apres]
        if premiere is not None:  # un dossier tapé sous le Tableau, hors de lui : jamais en silence
            hors_tableau = numero(premiere)
    if total_tableau is not None and fin_tableau == total_tableau - premiere_ligne \
            and fin_tableau < len(grille) and not ligne_vide(grille[fin_tableau]):
        rangee = grille[fin_tableau]
        libelle = next((v.strip() for v in rangee if isinstance(v, str) and v.strip()), "")
        totaux.append((numero(fin_tableau), libelle or "ligne de total du Tableau Excel"))
    totaux.sort()
    vides = None
    sous_tableau = hors_tableau is not None and ignorees is None
    if sous_tableau:
        ignorees = hors_tableau
    if fin_excel is not None and (ignorees is None or sous_tableau) and numeros_lignes is None:
        derniere = max([ligne_entete] + numeros + [n for n, _ in totaux if n <= fin_excel])
        if fin_excel > derniere:
            vides = (derniere + 1, fin_excel)
    return TableBrute(
        chemin=chemin, feuille=feuille, entetes=entetes,
        colonnes_excel=[premiere_colonne + j for j in retenues],
        colonnes=colonnes, numeros=numeros, ligne_entete=ligne_entete, format=format,
        ligne_donnees_ignorees=ignorees, ignorees_sous_tableau=sous_tableau, totaux=totaux, lignes_vides=vides)

