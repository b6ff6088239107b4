"""Les points d'extension (hooks pluggy) de cdv-regles.

Chaque partenaire financeur est un greffon (plugin) déclaré dans le groupe de points d'entrée
``cdv_regles`` de son ``pyproject.toml`` :

    [project.entry-points.cdv_regles]
    region-hdf = "cdv_regles_region_hdf"

Le socle lui-même passe par ces hooks (``cdv_regles.socle``). Un greffon n'implémente que les
hooks dont il a besoin ; un hook dont le nom n'est pas l'un de ceux-ci (faute de frappe) fait
refuser le greffon, en le nommant. Chaque argument est documenté, et chaque hook figure avec sa
signature dans ``plugins/GUIDE.md`` : des tests le vérifient. Un greffon importe ``hookimpl``
et les types cités ici depuis ``cdv_regles.api``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # polars n'est chargé qu'à l'appel des hooks qui reçoivent le tableau
    import polars as pl

    from cdv_regles.constats import Constat
    from cdv_regles.contexte import Contexte
    from cdv_regles.parametres import Parametre

hookspec = pluggy.HookspecMarker("cdv_regles")
hookimpl = pluggy.HookimplMarker("cdv_regles")


@hookspec
def cdv_regles_partenaire() -> dict[str, str]:
    """Qui porte ce greffon.

    Renvoie ``{"code": "region-hdf", "nom": "Région Hauts-de-France"}``. Le code est celui qui
    apparaît dans la colonne « partenaire » de chaque constat produit par les règles du greffon
    (``socle`` pour les règles communes). Obligatoire pour un greffon qui fournit des règles.
    """


@hookspec
def cdv_regles_fichiers_regles(millesime: int) -> list[Path]:
    """Les fichiers YAML de règles que le greffon applique pour un millésime.

    :param millesime: l'année de programmation contrôlée (p. ex. 2023). Un greffon renvoie
        d'ordinaire tous les fichiers de son dossier ``regles/`` (``fichiers_de_regles``) :
        chaque règle dit les millésimes où elle s'applique (``en_vigueur``) et le catalogue ne
        garde que celles du millésime contrôlé.
    """


@hookspec
def cdv_regles_fichiers_parametres() -> list[Path]:
    """Les fichiers YAML de paramètres datés du greffon (enveloppes, dates, listes, seuils).

    Chaque paramètre a ses valeurs par période (``2023:``, ``2017-2021:``) : la valeur en vigueur
    pour le millésime contrôlé est choisie par le moteur. Un nom de paramètre ne peut être défini
    qu'une fois, tous greffons confondus : préfixez les vôtres (``region_…``).
    """


@hookspec
def cdv_regles_referentiels() -> dict[str, list[str | dict[str, Any]]]:
    """Des valeurs ajoutées à des listes existantes (dispositifs, types de porteur…).

    Renvoie p. ex. ``{"dispositifs": ["Nos Quartiers d'Été"]}`` (un élément est une valeur, ou un
    dictionnaire comme dans ``regles/parametres/listes.yaml`` : ``{"valeur": ..., "alias": [...]}``).
    Pour une liste datée (orientations, dispositifs, financeurs), les valeurs s'ajoutent à la liste
    du millésime vérifié. Les listes du classeur (menus déroulants) et les contrôles de liste en
    tiennent compte.
    """


@hookspec
def cdv_regles_colonnes() -> list[dict[str, Any]]:
    """Des colonnes facultatives propres au partenaire, ajoutées au contrat du tableau.

    Même forme que ``regles/colonnes.yaml`` : ``{"id", "entete", "type", "requis", ...}``.
    Une colonne ajoutée par un greffon est toujours facultative (``requis: F``).
    """


@hookspec
def cdv_regles_controles(tableau: pl.DataFrame, contexte: Contexte) -> list[Constat]:
    """Des contrôles écrits en Python, pour ce que le YAML ne sait pas dire.

    :param tableau: le tableau typé, un ``polars.DataFrame`` (une ligne par dossier, colonnes
        nommées par leur identifiant, plus ``_ligne`` : la ligne du classeur, et ``_dossier``).
    :param contexte: un ``cdv_regles.api.Contexte``, en lecture seule (millésime, date de
        référence, paramètres en vigueur, référentiels, en-têtes des colonnes, fonction
        ``constat(...)`` pour fabriquer un constat).
    Renvoie une liste de ``cdv_regles.api.Constat``. Une exception, ou un constat mal formé, est un
    défaut du greffon : ses autres contrôles et ceux des autres greffons tournent quand même.
    """


@hookspec
def cdv_regles_synthese(tableau: pl.DataFrame, constats: list[Constat], contexte: Contexte) -> dict[str, Any]:
    """Des chiffres de synthèse pour le comité (tableaux de bord, rapport).

    :param tableau: le tableau typé (``polars.DataFrame``), comme pour ``cdv_regles_controles``.
    :param constats: tous les constats de l'exécution.
    :param contexte: le ``Contexte`` de l'exécution (``cdv_regles.api.Contexte``).
    Renvoie un dictionnaire de rubriques : ``{"titre": {...chiffres...}}``.
    """


@hookspec
def cdv_regles_parametres_a_renouveler(millesime: int, depuis: int, parametres: dict[str, Parametre]) -> list[str]:
    """Les paramètres du greffon à renseigner pour ouvrir un nouveau millésime.

    Appelé par ``cdv-regles millesime nouveau`` : la commande écrit, pour chaque greffon qui
    répond, un fichier ``<dossier>/<millésime>/<greffon>.yaml`` où chaque paramètre nommé vaut
    « à renseigner » avec sa source à donner ; tant qu'une valeur l'est encore, le millésime est
    refusé. Un greffon qui n'implémente pas ce hook n'a rien à renouveler.

    :param millesime: l'année ouverte (p. ex. 2027).
    :param depuis: le millésime existant qui sert de modèle (p. ex. 2023) : ses valeurs sont
        rappelées dans le fichier, pour mémoire.
    :param parametres: les paramètres du greffon, par nom (``cdv_regles.parametres.Parametre``).
        ``cdv_regles.api.a_renouveler(parametres, millesime, depuis)`` donne le choix
        ordinaire : ceux qui ont une valeur pour ``depuis`` mais aucune pour ``millesime`` (les
        dates du calendrier, les listes du Contrat de Ville), et ceux marqués ``renouveler: true``
        (les enveloppes).
    Renvoie la liste des noms de paramètres à renseigner.
    """
