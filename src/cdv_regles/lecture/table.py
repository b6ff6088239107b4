"""Le tableau tel que lu, avant toute conversion de type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Fusion = tuple[tuple[int, int], tuple[int, int]]  # ((ligne0, col0), (ligne1, col1)) 0-based



@dataclass
class TableBrute:
    """Le tableau tel que lu, avant toute conversion de type."""

    chemin: str  # tel que donné
    feuille: str | None  # nom de la feuille lue (None pour un CSV)
    entetes: list[str]  # textes des cellules d'en-tête retenues (str(), strip())
    colonnes_excel: list[int]  # index 0-based de la colonne de feuille de chaque en-tête
    # Les valeurs de chaque colonne retenue (une par en-tête : une liste, ou une colonne polars de
    # textes pour un CSV lu par colonnes ; une valeur par ligne de données) ; None pour une
    # cellule vide. Par colonnes : la conversion lit colonne par colonne.
    colonnes: list[Sequence[Any]]
    numeros: list[int]  # numéro (1-based) de chaque ligne de données dans la feuille ou le fichier
    ligne_entete: int  # numéro 1-based de la ligne d'en-tête
    format: str = ""  # « xlsx », « ods », « xls », « csv » ou « grille » (valeurs déjà lues)
    # Première ligne non vide après la ligne vide qui a terminé le tableau : ces lignes ne sont
    # pas lues, l'appelant peut le signaler (None s'il n'y en a pas).
    ligne_donnees_ignorees: int | None = None
    # Ces lignes suivent la fin d'un Tableau Excel (sans ligne vide) : hors du Tableau, pas lues.
    ignorees_sous_tableau: bool = False
    # Lignes de total ou de sous-total écartées des dossiers (:mod:`.totaux`) : (numéro, libellé).
    totaux: list[tuple[int, str]] = field(default_factory=list)
    # Lignes vides (mises en forme) au bas d'un Tableau Excel, écartées : (première, dernière).
    lignes_vides: tuple[int, int] | None = None

    @property
    def lignes(self) -> list[list[Any]]:
        """Les lignes de données, alignées sur ``entetes`` (recopiées depuis les colonnes)."""
        return [list(r) for r in zip(*self.colonnes, strict=True)] if self.colonnes else \
            [[] for _ in self.numeros]


def colonnes_de(lignes: Sequence[Sequence[Any]], largeur: int) -> list[list[Any]]:
    """Les ``largeur`` colonnes de lignes (les plus courtes complétées de cellules vides)."""
    if not lignes:
        return [[] for _ in range(largeur)]
    pleines = [r if len(r) == largeur else [*r[:largeur], *[None] * (largeur - len(r))] for r in lignes]
    return [list(c) for c in zip(*pleines, strict=True)]


@dataclass(frozen=True)
class TableauExcel:
    """Un « Tableau » Excel (objet liste) : ses données s'arrêtent à ``derniere_ligne``."""

    ligne_entete: int  # 1-based
    derniere_ligne: int  # 1-based, dernière ligne de données (ligne de total exclue)
    colonne_debut: int  # 0-based
    colonne_fin: int  # 0-based, incluse
    ligne_total: int | None = None  # 1-based, la ligne de total du Tableau (totalsRowCount), s'il y en a


@dataclass
class Feuille:
    """Ce que l'inspection a vu d'une feuille (membre XML de l'archive)."""

    loin: tuple[int, int] | None = None  # (ligne0, col0) d'une valeur hors limites
    erreurs: dict[tuple[int, int], str] = field(default_factory=dict)
    cellules: int = 0  # cellules remplies (valeur ou texte)
    # Formules sans valeur en cache : (ligne0, col0) des premières, et leur nombre.
    sans_valeur: list[tuple[int, int]] = field(default_factory=list)
    sans_valeur_total: int = 0
    sans_entete: bool = False  # l'aperçu de ses premières lignes n'a pas d'en-têtes du contrat
    # Cellules fusionnées relevées dans le XML (ODS : calamine ne les donne pas), 0-based.
    fusions: list[Fusion] = field(default_factory=list)

    def formule_sans_valeur(self, position: tuple[int, int]) -> None:
        self.sans_valeur_total += 1
        if len(self.sans_valeur) < 10_000:
            self.sans_valeur.append(position)
