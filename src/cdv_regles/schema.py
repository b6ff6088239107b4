"""Le schéma pandera du tableau typé, et les constats de lecture.

Les règles de famille ``schema`` qui portent une clé ``schema:`` sont traduites en contrôles
pandera, validés en mode paresseux (``lazy=True``) : toutes les erreurs sont collectées, chacune
devient un constat. Celles qui portent ``schema: {lecture: ...}`` décrivent les constats faits
pendant la lecture (cellule illisible, colonne absente, inconnue ou en double).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from cdv_regles.catalogue import Catalogue
from cdv_regles.constats import Constat
from cdv_regles.contrat import Colonne
from cdv_regles.conversion import Tableau
from cdv_regles.erreurs import RegleInvalide
from cdv_regles.moteur import TYPES_POLARS, formater_valeur
from cdv_regles.regle import Regle

LECTURES = ("cellule_illisible", "colonne_absente", "colonne_inconnue", "colonne_double", "lignes_ignorees")


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
    """Valide le tableau typé avec pandera et traduit chaque cas en constat."""
    import pandera.polars as pa

    regles = [r for r in regles if r.schema and "lecture" not in r.schema]
    par_colonne: dict[str, list[tuple[Regle, Any]]] = {}
    for r in regles:
        for col in _colonnes_visees(r, catalogue):
            for chk in _checks(r, col, catalogue):
                par_colonne.setdefault(col.id, []).append((r, chk))
    if not par_colonne or not df.height:
        return []
    types = {c.id: c for c in catalogue.colonnes}
    schema = pa.DataFrameSchema(
        {cid: pa.Column(TYPES_POLARS[types[cid].type], checks=[c for _, c in lst], nullable=True)
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
            raise RuntimeError(f"contrôle pandera inattendu : {ligne}")
        regle = par_colonne[cid][num][0]
        col = types[cid]
        numero = int(df["_ligne"][index])
        ref = catalogue.referentiels.tous.get(col.referentiel or "")
        champs = {
            "valeur": formater_valeur(df[cid][index], col.type),
            "colonne": col.entete,
            "cellule": tableau.cellule(cid, numero) or "",
            "liste": ", ".join(ref.valeurs) if ref else "",
            "dossier": df["_dossier"][index],
        }
        constats.append(_constat(regle, df["_dossier"][index], numero, (cid,), (col.entete,),
                                 regle.message.format_map(_Champs(champs))))
    return constats


class _Champs(dict):
    def __missing__(self, cle: str) -> str:
        return "{" + cle + "}"


def _constat(regle: Regle, dossier: str, ligne: int | None, colonnes: tuple[str, ...],
             entetes: tuple[str, ...], message: str) -> Constat:
    return Constat(dossier=dossier, ligne=ligne, regle=regle.id, famille=regle.famille,
                   gravite=regle.gravite, partenaire=regle.partenaire, colonnes=colonnes,
                   message=message, entetes=entetes)


def constats_lecture(tableau: Tableau, regles: list[Regle], dossiers: dict[int, str]) -> list[Constat]:
    """Cellules illisibles et colonnes absentes, inconnues ou en double."""
    par_type = {r.schema["lecture"]: r for r in regles if r.schema and "lecture" in r.schema}
    constats: list[Constat] = []
    r = par_type.get("cellule_illisible")
    if r:
        for ill in tableau.illisibles:
            champs = {"cellule": ill.cellule, "colonne": ill.colonne.entete,
                      "valeur": str(ill.valeur), "detail": ill.detail}
            constats.append(_constat(r, dossiers.get(ill.ligne, f"ligne {ill.ligne}"), ill.ligne,
                                     (ill.colonne.id,), (ill.colonne.entete,),
                                     r.message.format_map(_Champs(champs))))
    r = par_type.get("colonne_absente")
    if r:
        for col in tableau.absentes:
            if col.requis == "F" and col.partenaire != "socle":
                continue  # colonne propre à un partenaire : facultative et pas attendue partout
            champs = {"colonne": col.entete, "requis": {"C": "conditionnelle", "F": "facultative"}.get(col.requis, "")}
            gravite = r.gravite if col.requis == "C" else "info"
            constats.append(Constat("", None, r.id, r.famille, gravite, r.partenaire, (col.id,),
                                    r.message.format_map(_Champs(champs)), (col.entete,)))
    for type_, noms in (("colonne_inconnue", tableau.inconnues), ("colonne_double", tableau.doubles)):
        r = par_type.get(type_)
        if r and noms:
            champs = {"colonnes": ", ".join(f"« {n} »" for n in noms), "colonne": noms[0]}
            constats.append(_constat(r, "", None, (), (), r.message.format_map(_Champs(champs))))
    r = par_type.get("lignes_ignorees")
    if r and tableau.ligne_donnees_ignorees:
        champs = {"ligne": str(tableau.ligne_donnees_ignorees),
                  "derniere": str(tableau.lignes[-1]) if tableau.lignes else str(tableau.ligne_donnees_ignorees)}
        constats.append(_constat(r, "", None, (), (), r.message.format_map(_Champs(champs))))
    for lecture in par_type:
        if lecture not in LECTURES:
            r = par_type[lecture]
            raise RegleInvalide(r.chemin, f"lecture « {lecture} » inconnue ({', '.join(LECTURES)})", r.id)
    return constats
