"""L'interface publique des greffons : tout ce qu'un greffon de partenaire importe.

    from cdv_regles.api import GreffonPartenaire, hookimpl

Rien d'autre de ``cdv_regles`` n'est promis aux greffons (un test le vérifie pour les greffons
du dépôt et pour le gabarit de ``nouveau-plugin``) : les modules internes peuvent changer.

- ``hookimpl`` : la marque des hooks (voir ``plugins/GUIDE.md`` pour chaque hook et sa signature) ;
- ``GreffonPartenaire`` : le greffon ordinaire (règles YAML par millésime, paramètres datés) ;
- ``Contexte`` : ce que reçoivent ``cdv_regles_controles`` et ``cdv_regles_synthese`` (lecture
  seule), avec ``contexte.constat(...)`` pour fabriquer un ``Constat`` ;
- ``Constat``, ``GRAVITES``, ``FAMILLES`` : le constat et ses vocabulaires ;
- ``Referentiel`` : une liste de valeurs officielles, celle du millésime vérifié
  (``contexte.referentiels["orientations"]`` : les listes du contrat sont datées) ;
- ``cle_nom``, ``contient_mots``, ``mot_trouve``, ``premiers_mots``, ``reperer_mots`` : comparer
  des textes sans casse ni accents, et chercher des mots entiers (« sport* » pour un début de
  mot), en polars ou en Python, et en bloc sur tout un tableau ;
- ``Parametre``, ``a_renouveler`` : un paramètre daté, et le choix ordinaire des paramètres à
  renseigner pour un nouveau millésime (hook ``cdv_regles_parametres_a_renouveler``) ;
- ``fichiers_de_regles`` : les fichiers de règles d'un dossier ``regles/`` (chaque règle dit ses
  millésimes : ``en_vigueur``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdv_regles.chemins import fichiers_de_regles
from cdv_regles.constats import FAMILLES, GRAVITES, Constat
from cdv_regles.contexte import Contexte
from cdv_regles.hookspecs import hookimpl
from cdv_regles.parametres import Parametre, a_renouveler
from cdv_regles.partenaire import GreffonPartenaire
from cdv_regles.referentiels import Referentiel, cle_nom

if TYPE_CHECKING:
    import polars as pl


def contient_mots(colonne: pl.Expr, mots: list[str]) -> pl.Expr:
    """Expression polars : la cellule contient l'un des ``mots`` (sans casse ni accents, mots
    entiers ; « sport* » trouve aussi « sportive », jamais « transport »). Nulle si la cellule
    est vide. C'est la fonction ``contient()`` du langage des règles. polars n'est chargé qu'à
    l'appel.
    """
    from cdv_regles.derivations import contient_mots as calculer

    return calculer(colonne, mots)


def mot_trouve(texte: str, mot: str) -> bool:
    """Version Python de ``contient_mots`` pour un texte et un mot (même motif, mêmes clés)."""
    from cdv_regles.derivations import mot_trouve as chercher

    return chercher(texte, mot)


def premiers_mots(tableau: pl.DataFrame, colonnes: list[str],
                  groupes: dict[str, list[str]]) -> list[dict[str, tuple[str, str] | None]]:
    """Pour chaque ligne du tableau et chaque groupe de mots (p. ex. un thème et ses mots-clés) :
    ``(mot, colonne)``, le premier mot du groupe trouvé (dans l'ordre des mots, puis des
    colonnes), ou None. Même recherche que ``mot_trouve``, faite en bloc par polars : à préférer
    à une boucle de ``mot_trouve`` sur les lignes, bien plus lente sur un grand tableau.
    """
    from cdv_regles.derivations import premiers_mots as chercher

    return chercher(tableau, colonnes, groupes)


def reperer_mots(tableau: pl.DataFrame, colonnes: list[str], groupes: dict[str, list[str]]) -> pl.DataFrame:
    """La recherche de ``premiers_mots``, rendue en tableau polars avec seulement les lignes où un
    groupe au moins est trouvé : ``rang`` (la place de la ligne dans ``tableau``, à partir de 0)
    et ``trouves``, la liste des groupes trouvés dans l'ordre des groupes, chacun
    ``{groupe, mot, colonne}``. À préférer sur un grand tableau : la suite (messages, jointures)
    peut rester en polars, et rien n'est fabriqué pour les lignes sans mot.
    """
    from cdv_regles.derivations import reperer_mots as chercher

    return chercher(tableau, colonnes, groupes)


__all__ = ["FAMILLES", "GRAVITES", "Constat", "Contexte", "GreffonPartenaire", "Parametre", "Referentiel",
           "a_renouveler", "cle_nom", "contient_mots", "fichiers_de_regles", "hookimpl", "mot_trouve",
           "premiers_mots", "reperer_mots"]
