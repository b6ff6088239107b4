"""Les règles ``schema:`` : le schéma du tableau typé, déclaré pour pandera.

Chaque règle ``schema:`` devient des contrôles (valeurs admises, bornes, unicité) sur les colonnes
qu'elle vise, typées par leur dtype polars. Chaque contrôle a deux écritures qui disent la même
chose : le Check pandera et une expression polars (``_PANDERA``, ``_POLARS``).

pandera coûte 0,2 s d'import et 0,1 à 0,3 s de validation à chaque lancement (le bouton
« Vérifier » en lance un par clic ; c'est la moitié du clic visé) : les valeurs sont donc jugées
par les expressions polars, en une passe, et pandera garde ce qu'il fait de mieux, le contrôle
du tableau lui-même. Quand une colonne visée manque ou n'a pas son dtype (une faute de la
conversion, jamais de l'agent), c'est pandera qui valide tout le schéma, paresseusement
(``lazy=True``), et dit l'écart (``TableauNonConforme``) ; ses cas en échec feraient les mêmes
constats. tests/test_schema_tri.py vérifie, contrôle par contrôle et sur les tableaux de
référence (exemple, banc d'essai, corpus hostile), que les deux écritures refusent les mêmes
cellules et donnent les mêmes constats.
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


def _types_conformes(df: pl.DataFrame, par_colonne: dict[str, list[tuple[Regle, Controle]]],
                     types: dict[str, Colonne]) -> bool:
    """Vrai si chaque colonne visée est présente avec le dtype de son type."""
    return all(cid in df.columns and df.schema[cid] == type_colonne(types[cid].type).dtype()
               for cid in par_colonne)


def _controles_du_schema(regles: list[Regle], catalogue: Catalogue) -> dict[str, list[tuple[Regle, Controle]]]:
    par_colonne: dict[str, list[tuple[Regle, Controle]]] = {}
    for r in regles:
        if r.genre != "schema":
            continue
        for col in _colonnes_visees(r, catalogue):
            for controle in _controles(r, col, catalogue):
                par_colonne.setdefault(col.id, []).append((r, controle))
    return par_colonne


def verifier_schema(df: pl.DataFrame, tableau: Tableau, catalogue: Catalogue,
                    regles: list[Regle]) -> list[Constat]:
    """Juge le tableau typé selon les règles ``schema:`` ; chaque cellule en échec d'un contrôle
    devient un constat (colonne par colonne, contrôle par contrôle, dans l'ordre des lignes).

    Un écart de dtype ou une colonne manquante n'est pas la faute de l'agent mais de la
    conversion : pandera le dit (``TableauNonConforme``).
    """
    par_colonne = _controles_du_schema(regles, catalogue)
    if not par_colonne or not df.height:
        return []
    types = {c.id: c for c in catalogue.colonnes}
    if not _types_conformes(df, par_colonne, types):
        return _cas_pandera(df, tableau, catalogue, par_colonne, types)
    controles = [(cid, r, controle) for cid, lst in par_colonne.items() for r, controle in lst]
    masques = df.select([(~_POLARS[sorte](pl.col(cid), x).fill_null(True)).alias(f"c{i}")
                         for i, (cid, _, (sorte, x)) in enumerate(controles)])
    en_echec = [i for i, n in enumerate(masques.sum().row(0)) if n]
    constats: list[Constat] = []
    for i in en_echec:
        cid, regle, _ = controles[i]
        cas = df.select("_dossier", "_ligne", cid).filter(masques.to_series(i))  # 3 colonnes copiées, pas toutes
        constats += _constats(regle, types[cid], cas.iter_rows(), tableau, catalogue)
    return constats


def _constats(regle: Regle, col: Colonne, cas: Any, tableau: Tableau, catalogue: Catalogue) -> list[Constat]:
    """Un constat par cellule refusée ; ``cas`` : (dossier, ligne du classeur, valeur)."""
    ref = catalogue.referentiels.tous.get(col.referentiel or "")
    liste = enumerer(list(ref.valeurs), "ou") if ref else ""  # la liste du millésime
    constats = []
    for dossier, numero, valeur in cas:
        champs = {
            "valeur": formater_valeur(valeur, col.type),
            "colonne": col.entete,
            "cellule": tableau.cellule(col.id, numero) or "",
            "liste": liste,
            "dossier": dossier,
        }
        constats.append(regle.constat(dossier, numero, (col.id,), (col.entete,), regle.rediger(champs)))
    return constats


def schema_pandera(par_colonne: dict[str, list[tuple[Regle, Controle]]], types: dict[str, Colonne]) -> Any:
    """Le ``pandera.polars.DataFrameSchema`` des contrôles : chaque colonne visée présente, de son
    dtype, vide admise, avec ses Checks (nommés par la règle)."""
    import pandera.polars as pa

    return pa.DataFrameSchema(
        {cid: pa.Column(type_colonne(types[cid].type).dtype(),
                        checks=[_PANDERA[sorte](pa, x, r.id) for r, (sorte, x) in lst],
                        nullable=True, required=True)
         for cid, lst in par_colonne.items()},
        strict=False,
    )


def _cas_pandera(df: pl.DataFrame, tableau: Tableau, catalogue: Catalogue,
                 par_colonne: dict[str, list[tuple[Regle, Controle]]], types: dict[str, Colonne]) -> list[Constat]:
    """La validation par pandera (paresseuse : tous les cas en échec), traduite en constats."""
    import pandera.polars as pa

    try:
        schema_pandera(par_colonne, types).validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as erreurs:
        cas = erreurs.failure_cases
    par_controle: dict[tuple[str, int], list[tuple[Any, int, Any]]] = {}
    for ligne in cas.iter_rows(named=True):
        cid, num, index = ligne["column"], ligne["check_number"], ligne["index"]
        if cid not in par_colonne or num is None or index is None:
            raise TableauNonConforme(f"colonne « {cid} » : contrôle « {ligne.get('check')} » en échec "
                                     f"(cas : {str(ligne.get('failure_case'))[:60]})")
        par_controle.setdefault((cid, num), []).append(
            (df["_dossier"][index], int(df["_ligne"][index]), df[cid][index]))
    constats: list[Constat] = []
    for (cid, num), lignes in par_controle.items():
        constats += _constats(par_colonne[cid][num][0], types[cid], lignes, tableau, catalogue)
    return constats
