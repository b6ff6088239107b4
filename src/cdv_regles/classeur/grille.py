"""Le tableau des dossiers tel que lu dans le classeur ouvert, et ses adresses de cellules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cdv_regles.adresses import adresse_a1, decouper_a1
from cdv_regles.classeur import feuilles as F
from cdv_regles.erreurs import ErreurCdv


def texte(valeur: Any) -> str:
    """Valeur de cellule en texte comparable (12.0 -> « 12 »)."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).strip()


@dataclass
class Grille:
    """Valeurs lues (liste de lignes) et position de leur coin haut-gauche dans la feuille."""

    valeurs: list[list[Any]]
    ligne: int
    colonne: int
    est_tableau: bool = False  # lue dans un tableau Excel (ListObject)
    fin_tableau: int | None = None  # dernière ligne (numéro Excel) du tableau Excel, s'il y en a un

    @property
    def i_entete(self) -> int:
        """Indice (dans ``valeurs``) de la ligne d'en-tête : la première ligne non vide."""
        for i, rangee in enumerate(self.valeurs):
            if any(texte(v) for v in rangee):
                return i
        return 0

    def entetes(self) -> list[str]:
        return [texte(v) for v in self.valeurs[self.i_entete]] if self.valeurs else []

    @cached_property
    def _j_dossier(self) -> int | None:
        """Indice de la colonne « N° dossier » (ou d'un de ses alias), s'il y en a une."""
        from cdv_regles.contrat import colonnes_socle, normaliser_entete

        acceptes = {normaliser_entete(e) for c in colonnes_socle() if c.id == "numero_dossier"
                    for e in (c.entete, *c.alias)}
        for j, e in enumerate(self.entetes()):
            if normaliser_entete(e) in acceptes:
                return j
        return None

    def contenu(self, adresse: str) -> tuple[str, str]:
        """(N° dossier de la ligne, en-tête de la colonne) de la cellule, ou ("", "")."""
        ligne, colonne0 = decouper_a1(adresse)
        i, j = ligne - self.ligne, colonne0 + 1 - self.colonne
        entetes = self.entetes()
        if not (self.i_entete < i < len(self.valeurs)) or not (0 <= j < len(entetes)):
            return "", ""
        jd = self._j_dossier
        dossier = texte(self.valeurs[i][jd]) if jd is not None else ""
        return dossier, entetes[j]

    def retrouver(self, adresse: str, dossier: str, entete: str) -> str | None:
        """Où est maintenant la cellule (dossier, en-tête) notée à ``adresse``.

        Lignes triées ou insérées depuis : on suit le dossier. Dossier supprimé : None. Sans
        N° de dossier (ou en double), on garde l'adresse notée.
        """
        from cdv_regles.contrat import normaliser_entete

        if not dossier or not entete:
            return adresse
        jd = self._j_dossier
        colonnes = [j for j, e in enumerate(self.entetes())
                    if normaliser_entete(e) == normaliser_entete(entete)]
        if jd is None or len(colonnes) != 1:
            return adresse
        lignes = [i for i in range(self.i_entete + 1, len(self.valeurs))
                  if texte(self.valeurs[i][jd]) == dossier]
        if not lignes:
            return None
        if len(lignes) > 1:
            return adresse if self.contenu(adresse) == (dossier, entete) else None
        return adresse_a1(self.colonne + colonnes[0] - 1, self.ligne + lignes[0])


def _derniere_ligne(adresse: str) -> int | None:
    """Le numéro de la dernière ligne d'une adresse « $A$1:$AX$51 » (None si illisible)."""
    try:
        return decouper_a1(adresse.rsplit(":", 1)[-1])[0]
    except ValueError:
        return None


def lire_grille(feuille: Any) -> Grille:
    """Le tableau Excel « Dossiers » de la feuille (sinon le premier), sinon la plage utilisée."""
    tableau = None
    for t in feuille.tables:
        if t.name == F.TABLEAU:
            tableau = t
            break
        tableau = tableau or t
    plage = tableau.range if tableau is not None else feuille.used_range
    valeurs = plage.options(ndim=2).value or []
    fin_tableau = None
    if tableau is not None and valeurs:
        # Les lignes tapées sous le Tableau (une ligne « TOTAL ») sont lues aussi, comme par la
        # ligne de commande : la lecture les reconnaît ; la fin du Tableau arrête les dossiers.
        fin_tableau = plage.row + len(valeurs) - 1
        bas = _derniere_ligne(feuille.used_range.address)
        if bas is not None and bas > fin_tableau:
            dessous = feuille.range(f"{adresse_a1(plage.column - 1, fin_tableau + 1)}:"
                                    f"{adresse_a1(plage.column + len(valeurs[0]) - 2, bas)}")
            valeurs = [*valeurs, *(dessous.options(ndim=2).value or [])]
    if not any(texte(v) for rangee in valeurs for v in rangee):
        raise ErreurCdv(
            f"La feuille « {feuille.name} » est vide : saisissez les dossiers dans le tableau "
            "(une ligne par dossier, les en-têtes en première ligne), puis cliquez à nouveau "
            "sur Vérifier."
        )
    return Grille([list(r) for r in valeurs], plage.row, plage.column, tableau is not None, fin_tableau)
