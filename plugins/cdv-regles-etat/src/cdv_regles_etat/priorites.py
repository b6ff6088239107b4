"""Les priorités 2023 de l'État, repérées dans le texte des dossiers (contrôle ``ETAT-PRIORITES-2023``).

Contrôle écrit en Python (exemple du hook ``cdv_regles_controles``) : un constat par dossier dit
chaque thème trouvé, avec le mot-clé et la colonne. Les mots-clés sont des paramètres datés du
greffon (``etat_priorites``), cherchés sans tenir compte de la casse ni des accents, en mots
entiers (« parents » ne trouve pas « parentalité ») ; « sport* » trouve aussi « sportive » mais
jamais « transport » (``cdv_regles.api.contient_mots``). Un repérage par mots-clés n'est
qu'une suggestion : le message le dit. Le repérage et les messages sont faits en bloc par polars
(``cdv_regles.api.reperer_mots``), pour les seuls dossiers qui ont une priorité : sur 50 000
dossiers, une boucle Python mot par mot prenait plusieurs secondes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cdv_regles.api import Constat, Contexte, reperer_mots

if TYPE_CHECKING:
    import polars as pl

REGLE = "ETAT-PRIORITES-2023"
PARTENAIRE = "etat"
_SEPARATEUR = "\x1f"  # entre les colonnes en cause (jamais dans un identifiant de colonne)
SOURCE = ("NC2023, « Orientation 1 (projets priorisés par l'État), orientation 2 (santé mentale, "
          "sport), orientation 3 (transition écologique), orientation 4 (0-6 ans, parentalité) »")


def priorites_en_vigueur(parametres: Mapping[str, Any]) -> dict[str, list[str]]:
    """Le paramètre ``etat_priorites`` du millésime, vérifié (thème -> liste de mots-clés)."""
    valeur = parametres.get("etat_priorites")
    if valeur is None:
        return {}
    if not isinstance(valeur, dict) or not all(isinstance(m, list) for m in valeur.values()):
        raise ValueError("le paramètre etat_priorites doit associer à chaque thème une liste de mots-clés "
                         f"(vu : {str(valeur)[:80]})")
    return {str(t): [str(m) for m in mots] for t, mots in valeur.items()}


def dossiers_etat(tableau: pl.DataFrame, parametres: Mapping[str, Any],
                  colonnes: list[str] | None = None) -> pl.DataFrame:
    """Les dossiers qui sollicitent l'État, hors statuts contrôlés pour la seule structure ;
    seulement ``colonnes`` si elles sont données (le tableau entier a une centaine de colonnes)."""
    import polars as pl

    exclus = [str(s) for s in parametres.get("statuts_structure_seule") or []]
    etat = tableau.lazy().filter((pl.col("montant_etat").fill_null(0) > 0)
                                 & ~pl.col("statut").is_in(exclus).fill_null(False))
    return (etat if colonnes is None else etat.select(colonnes)).collect()


def reperages(tableau: pl.DataFrame, parametres: Mapping[str, Any]) -> pl.DataFrame:
    """Les dossiers qui sollicitent l'État et relèvent d'une priorité : ``_dossier``, ``_ligne``,
    ``intitule`` (les cellules que le message cite) et ``trouves``, les priorités repérées
    (``{groupe, mot, colonne}``, voir ``cdv_regles.api.reperer_mots``)."""
    import polars as pl

    priorites = priorites_en_vigueur(parametres)
    colonnes = [c for c in parametres.get("etat_colonnes_priorites") or [] if c in tableau.columns]
    cites = [pl.col(c) if c in tableau.columns else pl.lit(None, dtype=pl.String).alias(c)
             for c in ("_dossier", "_ligne", "intitule")]
    utiles = list(dict.fromkeys(c for c in ("_dossier", "_ligne", "intitule", *colonnes) if c in tableau.columns))
    etat = dossiers_etat(tableau, parametres, utiles) if priorites and colonnes else tableau.clear()
    trouves = reperer_mots(etat, colonnes, priorites)
    return etat.select(cites)[trouves["rang"]].with_columns(trouves["trouves"])


def controler_priorites(tableau: pl.DataFrame, contexte: Contexte) -> list[Constat]:
    """Un constat ``info`` par dossier État qui relève d'une priorité 2023."""
    import polars as pl

    entetes = dict(contexte.entetes)
    trouve = pl.element().struct
    # Message écrit par polars en bloc : seuls les constats restent à fabriquer en Python.
    details = pl.col("trouves").list.eval(pl.concat_str(
        trouve.field("groupe"), pl.lit(" (« "), trouve.field("mot").str.strip_chars_end("*"), pl.lit(" » dans « "),
        trouve.field("colonne").replace(entetes), pl.lit(" »)"))).list.join(" ; ")
    intitule = pl.when(pl.col("intitule").cast(pl.String) != "").then(pl.col("intitule").cast(pl.String)) \
        .otherwise(pl.lit("sans intitulé"))
    message = pl.concat_str(
        pl.lit("Suggestion : l'action « "), intitule,
        pl.lit(f" » semble relever des priorités {contexte.millesime} de l'État — "), details,
        pl.lit(". Repérage par mots-clés, à confirmer : si c'est bien le cas, mettez l'action en avant "
               "lors de l'instruction et du comité ; sinon, ne tenez pas compte de ce constat."))
    # Les colonnes en cause, jointes en un texte : peu d'ensembles distincts, chacun converti une fois.
    lignes = reperages(tableau, contexte.parametres).select(
        pl.col("_dossier").cast(pl.String), "_ligne", message.alias("message"),
        pl.col("trouves").list.eval(trouve.field("colonne")).list.unique(maintain_order=True)
        .list.join(_SEPARATEUR).alias("colonnes"))
    modeles: dict[str, Constat] = {}
    constats = []
    for dossier, ligne, message, colonnes in lignes.iter_rows():
        modele = modeles.get(colonnes)
        if modele is None:
            modele = modeles[colonnes] = contexte.constat(
                partenaire=PARTENAIRE, regle=REGLE, famille="priorites", gravite="info", message="",
                colonnes=tuple(colonnes.split(_SEPARATEUR)), source=SOURCE)
        # Le constat du modèle (mêmes colonnes, mêmes en-têtes) pour ce dossier : fabriqué
        # directement, deux fois plus vite que contexte.constat(...) sur des milliers de dossiers.
        constats.append(Constat(dossier=dossier, ligne=ligne, regle=REGLE, famille=modele.famille,
                                gravite=modele.gravite, partenaire=PARTENAIRE, colonnes=modele.colonnes,
                                message=message, entetes=modele.entetes, source=SOURCE))
    return constats
