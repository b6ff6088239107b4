"""Les règles ``schema:`` : le schéma pandera du tableau typé.

Chaque règle ``schema:`` devient des contrôles pandera (valeurs admises, bornes, unicité) sur les
colonnes qu'elle vise, typées par leur dtype polars ; le schéma est validé en mode paresseux
(``lazy=True``) : tous les cas en échec sont collectés, chacun devient un constat.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from cdv_regles.affichage import enumerer
from cdv_regles.catalogue import Catalogue
from cdv_regles.constats import Constat
from cdv_regles.contrat import Colonne
from cdv_regles.conversion import Tableau
from cdv_regles.erreurs import RegleInvalide
from cdv_regles.moteur import formater_valeur
from cdv_regles.regle import Regle
from cdv_regles.types_colonnes import type_colonne


class TableauNonConforme(Exception):
    """Le tableau typé ne suit pas le contrat (dtype, colonne manquante) : une faute du socle."""


def _colonnes_visees(regle: Regle, catalogue: Catalogue) -> list[Colonne]:
    s = regle.schema or {}
    par_id = {c.id: c for c in catalogue.colonnes}
    if "colonnes" in s:
        inconnues = [c for c in s["colonnes"] if c not in par_id]
        if inconnues:
            raise RegleInvalide(regle.chemin, f"colonnes inconnues : {', '.join(inconnues)}", regle.id)
        return [par_id[c] for c in s["colonnes"]]
    if "type" in s:
        return [c for c in catalogue.colonnes if c.type == s["type"]]
    if s.get("dans_liste"):
        return [c for c in catalogue.colonnes if c.referentiel and c.type in ("choix", "orientation")]
    raise RegleInvalide(regle.chemin, "schema : précisez « colonnes », « type » ou « dans_liste »", regle.id)


def _unique(donnees: Any) -> pl.LazyFrame:
    c = pl.col(donnees.key)
    return donnees.lazyframe.select(~(c.is_not_null() & c.is_duplicated()))


def _checks(regle: Regle, col: Colonne, catalogue: Catalogue) -> list[Any]:
    import pandera.polars as pa

    s = regle.schema or {}
    checks = []
    if s.get("unique"):
        checks.append(pa.Check(_unique, name=regle.id))
    if "minimum" in s:
        checks.append(pa.Check.ge(s["minimum"], name=regle.id))
    if s.get("strictement_positif"):
        checks.append(pa.Check.gt(0, name=regle.id))
    if "entre" in s:
        bas, haut = s["entre"]
        checks.append(pa.Check.in_range(bas, haut, name=regle.id))
    if s.get("dans_liste"):
        ref = catalogue.referentiels.tous.get(col.referentiel or "")
        if ref is None:
            raise RegleInvalide(regle.chemin, f"la colonne {col.id} n'a pas de liste", regle.id)
        valeurs = [int(x) for x in ref.valeurs] if col.type == "orientation" else list(ref.valeurs)
        checks.append(pa.Check.isin(valeurs, name=regle.id))
    if not checks:
        raise RegleInvalide(regle.chemin, "schema : aucun contrôle (unique, minimum, entre…)", regle.id)
    return checks


def verifier_schema(df: pl.DataFrame, tableau: Tableau, catalogue: Catalogue,
                    regles: list[Regle]) -> list[Constat]:
    """Valide le tableau typé avec pandera et traduit chaque cas en échec en constat.

    Le schéma déclare chaque colonne visée par une règle ``schema:`` (présente, de son dtype
    polars, vide admise) avec ses contrôles. Un écart de dtype ou une colonne manquante n'est pas
    la faute de l'agent mais de la conversion : ``TableauNonConforme``. (Déclarer toutes les
    colonnes du contrat doublait le temps de la validation pour rien : la conversion les type.)
    """
    import pandera.polars as pa

    regles = [r for r in regles if r.genre == "schema"]
    par_colonne: dict[str, list[tuple[Regle, Any]]] = {}
    for r in regles:
        for col in _colonnes_visees(r, catalogue):
            for chk in _checks(r, col, catalogue):
                par_colonne.setdefault(col.id, []).append((r, chk))
    if not par_colonne or not df.height:
        return []
    types = {c.id: c for c in catalogue.colonnes}
    schema = pa.DataFrameSchema(
        {cid: pa.Column(type_colonne(types[cid].type).dtype(), checks=[c for _, c in lst], nullable=True,
                        required=True)
         for cid, lst in par_colonne.items()},
        strict=False,
    )
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as erreurs:
        cas = erreurs.failure_cases
    constats = []
    for ligne in cas.iter_rows(named=True):
        cid, num, index = ligne["column"], ligne["check_number"], ligne["index"]
        if cid not in par_colonne or num is None or index is None:
            raise TableauNonConforme(f"colonne « {cid} » : contrôle « {ligne.get('check')} » en échec "
                                     f"(cas : {str(ligne.get('failure_case'))[:60]})")
        regle = par_colonne[cid][num][0]
        col = types[cid]
        numero = int(df["_ligne"][index])
        ref = catalogue.referentiels.tous.get(col.referentiel or "")
        champs = {
            "valeur": formater_valeur(df[cid][index], col.type),
            "colonne": col.entete,
            "cellule": tableau.cellule(cid, numero) or "",
            "liste": enumerer(list(ref.valeurs), "ou") if ref else "",  # la liste du millésime
            "dossier": df["_dossier"][index],
        }
        constats.append(regle.constat(df["_dossier"][index], numero, (cid,), (col.entete,),
                                      regle.rediger(champs)))
    return constats
