"""Demandes par commune et par quartier prioritaire, à partir des cellules-listes.

Un dossier sur plusieurs communes (ou QPV) compte pour chacune, avec la totalité de sa demande :
la somme des lignes dépasse donc le total du tableau. Rien ne permet de répartir une demande
entre communes (le tableau ne le dit pas) ; ``multi`` dit combien de ces dossiers sont partagés.
Les noms sont ramenés à la forme officielle du référentiel (« valenciennes », « St-Saulve »…) ;
un nom inconnu est gardé tel que saisi, marqué ``hors_referentiel`` (la règle de schéma le signale).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from cdv_regles.derivations import cle_expr


def _correspondances(ref: Any) -> pl.DataFrame:
    cles = list(ref.cles.items()) if ref is not None else []
    return pl.DataFrame({"_k": [k for k, _ in cles], "_officiel": [v for _, v in cles]},
                        schema={"_k": pl.String, "_officiel": pl.String})


def _elements(df: pl.DataFrame, colonne: str) -> pl.DataFrame:
    """Une ligne par (dossier, élément saisi), avec sa clé de comparaison."""
    return (
        df.select("_ligne", "_demande", pl.col(colonne).alias("_v"))
        .explode("_v").drop_nulls("_v")
        .with_columns(pl.col("_v").str.strip_chars())
        .filter(pl.col("_v") != "")
        .with_columns(cle_expr(pl.col("_v")).alias("_k"))
    )


def _officialiser(elements: pl.DataFrame, ref: Any, df: pl.DataFrame, selon: str | None) -> pl.DataFrame:
    """Ajoute ``_nom`` (forme officielle ou saisie) et ``_connu``."""
    table = elements.join(_correspondances(ref), on="_k", how="left")
    if selon and ref is not None and ref.qualifiees:
        # « Centre-Ville » n'est univoque qu'avec la commune du dossier.
        qualif = pl.DataFrame({"_k": [a for a, _ in ref.qualifiees], "_kc": [b for _, b in ref.qualifiees],
                               "_qualifie": list(ref.qualifiees.values())},
                              schema={"_k": pl.String, "_kc": pl.String, "_qualifie": pl.String})
        communes = (df.select("_ligne", pl.col(selon).alias("_c")).explode("_c").drop_nulls("_c")
                    .with_columns(cle_expr(pl.col("_c")).alias("_kc")).select("_ligne", "_kc"))
        trouves = (table.filter(pl.col("_officiel").is_null()).select("_ligne", "_k").unique()
                   .join(communes, on="_ligne").join(qualif, on=["_k", "_kc"])
                   .group_by("_ligne", "_k").agg(pl.col("_qualifie").sort().first()))
        table = (table.join(trouves, on=["_ligne", "_k"], how="left")
                 .with_columns(pl.coalesce("_officiel", "_qualifie").alias("_officiel")).drop("_qualifie"))
    return table.with_columns(pl.col("_officiel").is_not_null().alias("_connu"),
                              pl.coalesce("_officiel", "_v").alias("_nom"))


def repartir(df: pl.DataFrame, colonne: str, ref: Any, *, selon: str | None = None) -> dict[str, Any]:
    """Dossiers et demande par élément de la cellule-liste ``colonne`` (dossiers retenus)."""
    elements = _officialiser(_elements(df, colonne), ref, df, selon)
    # Un même lieu écrit deux fois dans une cellule ne compte qu'une fois.
    elements = elements.unique(["_ligne", "_nom"], keep="first")
    elements = elements.with_columns((pl.len().over("_ligne") > 1).alias("_multi"))
    groupes = (
        elements.group_by("_nom")
        .agg(pl.len().alias("dossiers"), pl.col("_demande").sum().alias("total_demande"),
             pl.col("_multi").sum().alias("multi"), pl.col("_connu").first().alias("connu"))
        .sort(["total_demande", "dossiers", "_nom"], descending=[True, True, False])
    )
    lignes = [{"nom": r["_nom"], "dossiers": int(r["dossiers"]), "total_demande": round(float(r["total_demande"]), 2),
               "multi": int(r["multi"]), "hors_referentiel": not r["connu"]} for r in groupes.iter_rows(named=True)]
    sans = df.height - elements["_ligne"].n_unique() if elements.height else df.height
    return {"lignes": lignes, "dossiers_sans": int(sans),
            "dossiers_multi": int(elements.filter(pl.col("_multi"))["_ligne"].n_unique())}


def libelles_qpv(ref: Any) -> dict[str, str]:
    """Codes QN → « Nom (code) » pour la géographie 2024 ; les noms 2015 restent tels quels."""
    if ref is None:
        return {}
    return {d["code_qp"]: f"{d['nom_qp']} ({d['code_qp']})" for d in ref.details if "code_qp" in d}


def par_commune(df: pl.DataFrame, referentiels: Mapping[str, Any]) -> dict[str, Any]:
    ref = referentiels.get("communes")
    return repartir(df, "communes", ref)


def par_qpv(df: pl.DataFrame, referentiels: Mapping[str, Any], parametres: Mapping[str, Any]) -> dict[str, Any]:
    nom_ref = parametres.get("referentiel_qpv")
    ref = referentiels.get(nom_ref) if nom_ref else None
    resultat = repartir(df, "qpv", ref, selon="communes")
    libelles = libelles_qpv(ref)
    for ligne in resultat["lignes"]:
        ligne["libelle"] = libelles.get(ligne["nom"], ligne["nom"])
    resultat["referentiel"] = nom_ref
    return resultat
