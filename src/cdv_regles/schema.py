"""Les règles ``schema:`` : le schéma pandera du tableau typé.

Chaque règle ``schema:`` devient des contrôles pandera (valeurs admises, bornes, unicité) sur les
colonnes qu'elle vise, typées par leur dtype polars ; le schéma est validé en mode paresseux
(``lazy=True``) : tous les cas en échec sont collectés, chacun devient un constat.

pandera coûte 0,2 s d'import à chaque lancement (le bouton « Vérifier » en lance un par clic) :
les mêmes contrôles, écrits en expressions polars, trient d'abord le tableau en une passe. Un
tableau où toutes les valeurs passent et où chaque colonne a son type (le cas courant : les
listes déroulantes du classeur empêchent la plupart des fautes) n'a rien à apprendre de
pandera, qui n'est alors pas chargé. Sinon pandera valide le tableau et ses cas en échec
font les constats, comme toujours. Le tri ne doit jamais laisser passer ce que pandera
refuserait : tests/test_schema_tri.py le vérifie contrôle par contrôle.
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


# Chaque contrôle d'une règle ``schema:`` : (sorte, argument). Une sorte, deux écritures qui
# disent la même chose : le Check pandera, et l'expression polars du tri rapide (vraie quand la
# valeur passe ; une cellule vide passe toujours, comme pour pandera avec nullable=True).
Controle = tuple[str, Any]
_PANDERA: dict[str, Any] = {
    "unique": lambda pa, _, nom: pa.Check(_unique, name=nom),
    "minimum": lambda pa, x, nom: pa.Check.ge(x, name=nom),
    "superieur": lambda pa, x, nom: pa.Check.gt(x, name=nom),
    "entre": lambda pa, x, nom: pa.Check.in_range(x[0], x[1], name=nom),
    "dans": lambda pa, x, nom: pa.Check.isin(x, name=nom),
}
_POLARS: dict[str, Any] = {
    "unique": lambda c, _: ~(c.is_not_null() & c.is_duplicated()),
    "minimum": lambda c, x: c >= x,
    "superieur": lambda c, x: c > x,
    "entre": lambda c, x: (c >= x[0]) & (c <= x[1]),
    "dans": lambda c, x: c.is_in(x),
}


def _controles(regle: Regle, col: Colonne, catalogue: Catalogue) -> list[Controle]:
    s = regle.schema or {}
    controles: list[Controle] = []
    if s.get("unique"):
        controles.append(("unique", None))
    if "minimum" in s:
        controles.append(("minimum", s["minimum"]))
    if s.get("strictement_positif"):
        controles.append(("superieur", 0))
    if "entre" in s:
        bas, haut = s["entre"]
        controles.append(("entre", (bas, haut)))
    if s.get("dans_liste"):
        ref = catalogue.referentiels.tous.get(col.referentiel or "")
        if ref is None:
            raise RegleInvalide(regle.chemin, f"la colonne {col.id} n'a pas de liste", regle.id)
        valeurs = [int(x) for x in ref.valeurs] if col.type == "orientation" else list(ref.valeurs)
        controles.append(("dans", valeurs))
    if not controles:
        raise RegleInvalide(regle.chemin, "schema : aucun contrôle (unique, minimum, entre…)", regle.id)
    return controles


def _tout_passe(df: pl.DataFrame, par_colonne: dict[str, list[tuple[Regle, Controle]]],
                types: dict[str, Colonne]) -> bool:
    """Tri rapide : vrai si aucune valeur n'enfreint un contrôle et si chaque colonne a son type.
    pandera (0,2 s d'import) n'est alors pas nécessaire : il ne trouverait rien."""
    for cid in par_colonne:
        if cid not in df.columns or df.schema[cid] != type_colonne(types[cid].type).dtype():
            return False  # pandera dira l'écart (TableauNonConforme)
    exprs = [(~_POLARS[sorte](pl.col(cid), x).fill_null(True)).any().alias(f"c{i}")
             for i, (cid, (_, (sorte, x))) in enumerate(
                 (cid, rc) for cid, lst in par_colonne.items() for rc in lst)]
    return not any(df.select(exprs).row(0))


def verifier_schema(df: pl.DataFrame, tableau: Tableau, catalogue: Catalogue,
                    regles: list[Regle]) -> list[Constat]:
    """Valide le tableau typé avec pandera et traduit chaque cas en échec en constat.

    Le schéma déclare chaque colonne visée par une règle ``schema:`` (présente, de son dtype
    polars, vide admise) avec ses contrôles. Un écart de dtype ou une colonne manquante n'est pas
    la faute de l'agent mais de la conversion : ``TableauNonConforme``. (Déclarer toutes les
    colonnes du contrat doublait le temps de la validation pour rien : la conversion les type.)
    """
    regles = [r for r in regles if r.genre == "schema"]
    par_colonne: dict[str, list[tuple[Regle, Controle]]] = {}
    for r in regles:
        for col in _colonnes_visees(r, catalogue):
            for controle in _controles(r, col, catalogue):
                par_colonne.setdefault(col.id, []).append((r, controle))
    if not par_colonne or not df.height:
        return []
    types = {c.id: c for c in catalogue.colonnes}
    if _tout_passe(df, par_colonne, types):
        return []
    import pandera.polars as pa

    schema = pa.DataFrameSchema(
        {cid: pa.Column(type_colonne(types[cid].type).dtype(),
                        checks=[_PANDERA[sorte](pa, x, r.id) for r, (sorte, x) in lst],
                        nullable=True, required=True)
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
