"""Le moteur : évalue toutes les règles d'un coup sur le tableau typé et rédige les constats.

Une règle qui échoue à l'évaluation (types incompatibles, nombre trop grand…) ne fait pas
tomber les autres : la passe groupée échoue, le moteur reprend règle par règle pour isoler la
fautive, et la rend comme un ``Echec`` (un défaut de son greffon pour l'appelant).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import string
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from cdv_regles import affichage
from cdv_regles.catalogue import Catalogue
from cdv_regles.constats import Constat
from cdv_regles.contrat import Colonne
from cdv_regles.conversion import Tableau
from cdv_regles.derivations import Derivation
from cdv_regles.erreurs import RegleInvalide
from cdv_regles.expressions import Colonnes, Compilateur, ExpressionInvalide, ParametreNonDefini, Portee
from cdv_regles.regle import Regle
from cdv_regles.types_colonnes import TYPES, type_colonne

SPECIAUX = {"dossier", "ligne", "date_reference", "millesime", "millesime_precedent"}
# Formats admis dans un message : {ecart:montant}, {part:pourcent} (0,42 -> « 42 % »), {n:nombre}.
FORMATS_MESSAGE = ("", "montant", "pourcent", "nombre", "date")


# Une panique de polars (Rust) n'est pas une Exception : elle dérive de BaseException.
ERREURS_EVALUATION: tuple[type[BaseException], ...] = (Exception, pl.exceptions.PanicException)


@dataclass
class Echec:
    """Une règle qui n'a pas pu être appliquée, et pourquoi."""

    regle: Regle
    exception: BaseException

    @property
    def raison(self) -> str:
        return raison_echec(self.exception)


def raison_echec(e: BaseException) -> str:
    """La cause d'un échec de règle, en français (le détail technique reste dans la trace)."""
    if isinstance(e, OverflowError):
        return "un nombre est trop grand pour être calculé"
    if isinstance(e, ZeroDivisionError):
        return "division par zéro"
    if isinstance(e, RecursionError):
        return "expression trop imbriquée"
    if isinstance(e, MemoryError):
        return "mémoire insuffisante pour l'évaluer"
    if isinstance(e, pl.exceptions.ColumnNotFoundError):
        return "elle cite une colonne absente du tableau typé"
    if isinstance(e, TypeError | pl.exceptions.InvalidOperationError | pl.exceptions.SchemaError
                  | pl.exceptions.ComputeError | pl.exceptions.PanicException):
        return ("elle mélange des valeurs de types incompatibles (p. ex. un montant comparé à un texte, "
                "une date à un nombre) ou sa condition n'est pas vrai/faux : vérifiez le type de chaque "
                "colonne et de chaque valeur citée")
    return f"erreur inattendue du moteur ({e.__class__.__name__})"


@dataclass
class RegleCompilee:
    regle: Regle
    applicable: pl.Expr | None
    exiger: Any
    valeurs: dict[str, Any]
    colonnes: tuple[str, ...]
    champs: list[str]
    derivations: dict[str, Derivation] = field(default_factory=dict)
    # Le message analysé une fois, à la compilation (littéraux, champs, formats).
    morceaux: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)


def cadre(tableau: Tableau) -> pl.DataFrame:
    """Le tableau typé en DataFrame polars, plus ``_ligne`` et ``_dossier``."""
    series = [_serie(cid, codee[1], c.type).gather(codee[0]) if (codee := tableau.colonnes.codee(cid))
              else _serie(cid, tableau.colonnes[cid], c.type) for cid, c in tableau.types.items()]
    df = pl.DataFrame(series).with_columns(pl.Series("_ligne", tableau.lignes, dtype=pl.Int64))
    illisibles: dict[str, set[int]] = {}
    for ill in tableau.illisibles:
        illisibles.setdefault(ill.colonne.id, set()).add(ill.ligne)
    if illisibles:
        df = df.with_columns([pl.col("_ligne").is_in(list(lignes)).alias(f"{cid}__illisible")
                              for cid, lignes in illisibles.items()])
    if tableau.sans_objet:
        df = df.with_columns([pl.col("_ligne").is_in(list(lignes)).alias(f"{cid}__sans_objet")
                              for cid, lignes in tableau.sans_objet.items()])
    return df.with_columns(
        pl.coalesce(pl.col("numero_dossier"), pl.format("ligne {}", pl.col("_ligne"))).alias("_dossier"))


_SEPARATEUR = "\x1f"  # absent des cellules : lire_liste découpe sur « ; » et nettoie


def _serie(nom: str, valeurs: list[Any], type_: str) -> pl.Series:
    if type_colonne(type_).polars == "List(String)":
        # Construire une liste polars élément par élément est lent : on joint puis on redécoupe en bloc.
        jointes = [None if x is None else _SEPARATEUR.join(x) for x in valeurs]
        return pl.Series(nom, jointes, dtype=pl.String).str.split(_SEPARATEUR)
    return pl.Series(nom, valeurs, dtype=type_colonne(type_).dtype(), strict=False)


def portee(catalogue: Catalogue, date_reference: dt.date, vues: set[str] | None = None,
           illisibles: frozenset[str] = frozenset()) -> Portee:
    return Portee(
        colonnes={c.id: (c.type, catalogue.referentiels.tous.get(c.referentiel or "")) for c in catalogue.colonnes},
        entetes={c.id: c.entete for c in catalogue.colonnes},
        parametres=catalogue.valeurs_parametres(),
        types_parametres={n: p.type for n, p in catalogue.parametres.tous.items()},
        referentiels=catalogue.referentiels.tous,
        date_reference=date_reference,
        colonnes_vues=vues,
        illisibles=illisibles,
    )


def compiler(regle: Regle, catalogue: Catalogue, date_reference: dt.date,
             illisibles: frozenset[str] = frozenset()) -> RegleCompilee | None:
    """Traduit les expressions d'une règle ; toute erreur cite le fichier et la règle.

    None : la règle ne s'applique pas à ce millésime (son « applicable » vaut faux d'emblée).
    """
    vues: set[str] = set()
    # La portée (colonnes, paramètres du millésime…) est la même pour toutes les règles d'une
    # vérification : calculée une fois, chaque règle n'y ajoute que ses colonnes vues.
    cle = ("portee", date_reference, illisibles, repr(sorted(catalogue.surcharges.items())))
    commune = catalogue.compilees.get(cle)
    if commune is None:
        commune = catalogue.compilees[cle] = portee(catalogue, date_reference, None, illisibles)
    p = replace(commune, colonnes_vues=vues, millesime=catalogue.millesime)
    comp = Compilateur(p)
    try:
        applicable: pl.Expr | None = None
        for texte in regle.applicable:
            a = comp.compiler(texte)
            if a is False:  # jamais applicable (paramètre non défini pour ce millésime)
                return None
            a = a if isinstance(a, pl.Expr) else pl.lit(bool(a))
            applicable = a if applicable is None else applicable & a
        vues.clear()
        exiger = comp.compiler(regle.exiger) if regle.exiger else None
        colonnes_exiger = set(vues)
        valeurs = {nom: comp.compiler(texte) for nom, texte in regle.valeurs.items()}
        colonnes = _en_cause(regle, comp) if regle.colonnes else tuple(sorted(colonnes_exiger))
    except ParametreNonDefini:
        return None  # un paramètre cité n'a pas de valeur pour ce millésime : la règle ne s'y applique pas
    except ExpressionInvalide as e:
        raise RegleInvalide(regle.chemin, str(e), regle.id) from None
    if isinstance(exiger, Colonnes):
        raise RegleInvalide(regle.chemin, "« exiger » doit être une condition", regle.id)
    inconnues = [c for c in colonnes if c not in p.colonnes]
    if inconnues:
        raise RegleInvalide(regle.chemin, f"colonnes inconnues : {', '.join(inconnues)}", regle.id)
    try:
        morceaux = list(string.Formatter().parse(regle.message))
    except ValueError as e:
        raise RegleInvalide(regle.chemin, f"message mal formé (accolades) : {e}", regle.id) from None
    for _, f, spec, _ in morceaux:
        if f and spec not in FORMATS_MESSAGE:
            raise RegleInvalide(regle.chemin, f"format « {spec} » inconnu dans {{{f}:{spec}}} "
                                f"(admis : {', '.join(x for x in FORMATS_MESSAGE if x)})", regle.id)
    champs = [f for _, f, _, _ in morceaux if f]
    for f in champs:
        if f not in p.colonnes and f not in valeurs and f not in p.parametres and f not in SPECIAUX:
            raise RegleInvalide(
                regle.chemin, f"le message cite {{{f}}} : ni une colonne, ni une valeur calculée, "
                "ni un paramètre", regle.id)
    return RegleCompilee(regle, applicable, exiger, valeurs, colonnes, champs, comp.derivations, morceaux)


def _en_cause(regle: Regle, comp: Compilateur) -> tuple[str, ...]:
    """Les colonnes de « colonnes: » : des identifiants, ou des expressions qui valent une liste
    de colonnes (``colonnes_financement``, ``colonnes_de(referentiel('financeurs'))``), dans
    l'ordre écrit. Un nom qui n'est ni colonne ni paramètre reste tel quel (refusé ensuite, nommé)."""
    ids: list[str] = []
    for texte in regle.colonnes or []:
        if texte in comp.portee.colonnes or (texte.isidentifier() and texte not in comp.portee.parametres):
            ids.append(texte)
            continue
        v = comp.compiler(texte)
        if not isinstance(v, Colonnes):
            raise ExpressionInvalide(f"« colonnes » : « {texte} » n'est ni une colonne ni une liste de colonnes "
                                     "(paramètre de type colonnes, colonnes_de(…))")
        ids += v.ids
    return tuple(dict.fromkeys(ids))


def evaluer(df: pl.DataFrame, regles: list[RegleCompilee], catalogue: Catalogue,
            date_reference: dt.date) -> tuple[list[Constat], list[Echec]]:
    """Une seule passe polars pour toutes les règles « dossier », une pour les règles « tableau ».

    Renvoie les constats et les règles en échec (chacune isolée : les autres s'appliquent).
    """
    echecs: list[Echec] = []
    df, regles = _deriver(df, regles, echecs)
    par_dossier = [r for r in regles if r.regle.portee == "dossier"]
    par_tableau = [r for r in regles if r.regle.portee == "tableau"]
    constats: list[Constat] = []
    types = {c.id: c for c in catalogue.colonnes}
    params = catalogue.valeurs_parametres()
    if par_dossier and df.height:
        try:
            masques: pl.DataFrame | None = df.select([_violation(r).alias(f"r{i}") for i, r in enumerate(par_dossier)])
        except ERREURS_EVALUATION:  # une règle au moins est fautive : règle par règle, pour la nommer
            masques = None
        combien = masques.sum().row(0) if masques is not None else None
        requetes: list[tuple[RegleCompilee, pl.LazyFrame]] = []
        for i, r in enumerate(par_dossier):
            if combien is not None and not combien[i]:
                continue
            try:
                masque = masques[f"r{i}"] if masques is not None else df.select(_violation(r)).to_series()
                requetes.append((r, _retenus(r, df, masque)))
            except ERREURS_EVALUATION as e:
                echecs.append(Echec(r.regle, e))
        # Les dossiers retenus de toutes les règles en un appel (polars les calcule en parallèle) ;
        # si l'une échoue, règle par règle, pour la nommer.
        try:
            tables: list[pl.DataFrame] | None = pl.collect_all([q for _, q in requetes])
        except ERREURS_EVALUATION:
            tables = None
        for k, (r, requete) in enumerate(requetes):
            try:
                table = tables[k] if tables is not None else requete.collect()
                constats += _rediger(r, table, types, params, date_reference, catalogue.millesime)
            except ERREURS_EVALUATION as e:
                echecs.append(Echec(r.regle, e))
    for r in par_tableau:
        try:
            constats += _evaluer_tableau(r, df, types, params, date_reference, catalogue.millesime)
        except ERREURS_EVALUATION as e:
            echecs.append(Echec(r.regle, e))
    return constats, echecs


def _deriver(df: pl.DataFrame, regles: list[RegleCompilee],
             echecs: list[Echec]) -> tuple[pl.DataFrame, list[RegleCompilee]]:
    """Ajoute les colonnes dérivées ; une dérivation qui échoue met en échec les règles qui la lisent."""
    derivations: dict[str, Derivation] = {}
    for r in regles:
        derivations.update(r.derivations)
    if not derivations:
        return df, regles
    try:
        return df.with_columns([d.calculer(df) for d in derivations.values()]), regles
    except ERREURS_EVALUATION:
        pass
    ratees: dict[str, BaseException] = {}
    for nom, d in derivations.items():
        try:
            df = df.with_columns(d.calculer(df))
        except ERREURS_EVALUATION as e:
            ratees[nom] = e
    gardees = []
    for r in regles:
        cause = next((ratees[n] for n in r.derivations if n in ratees), None)
        if cause is None:
            gardees.append(r)
        else:
            echecs.append(Echec(r.regle, cause))
    return df, gardees


def _evaluer_tableau(r: RegleCompilee, df: pl.DataFrame, types: dict[str, Colonne], params: dict[str, Any],
                     date_reference: dt.date, millesime: int) -> list[Constat]:
    exprs = [_lit_bool(r.exiger).fill_null(True).alias("_ok")]
    if r.applicable is not None:
        exprs.append(r.applicable.fill_null(False).alias("_applicable"))
    exprs += [_expr(val).alias(f"v_{nom}") for nom, val in r.valeurs.items()]
    ligne = df.select(exprs).row(0, named=True) if df.height else {"_ok": True}
    if not isinstance(ligne["_ok"], bool):
        raise TypeError("« exiger » ne vaut pas vrai ou faux")
    if ligne.get("_applicable", True) and not ligne["_ok"]:
        valeurs = {f"v_{nom}": [ligne.get(f"v_{nom}")] for nom in r.valeurs}
        (message,) = _messages(r, 1, valeurs, set(), [""], [None], types, params, date_reference, millesime)
        return [r.regle.constat("", None, r.colonnes, _entetes(r, types), message)]
    return []


def _expr(x: Any) -> pl.Expr:
    return x if isinstance(x, pl.Expr) else pl.lit(x)


def _lit_bool(x: Any) -> pl.Expr:
    return x if isinstance(x, pl.Expr) else pl.lit(bool(x), dtype=pl.Boolean)


def _violation(r: RegleCompilee) -> pl.Expr:
    ko = ~_lit_bool(r.exiger).fill_null(True)
    if r.applicable is not None:
        ko = ko & r.applicable.fill_null(False)
    return ko


def _retenus(r: RegleCompilee, df: pl.DataFrame, masque: pl.Series) -> pl.LazyFrame:
    """Les dossiers où ``masque`` est vrai, avec ce que le message de la règle cite."""
    besoins = [f for f in r.champs if f in df.columns]
    sans_objet = [f"{f}__sans_objet" for f in besoins if f"{f}__sans_objet" in df.columns]
    calculs = [_expr(val).alias(f"v_{nom}") for nom, val in r.valeurs.items()]
    # Filtrer d'abord (en paresseux : seules les colonnes citées sont copiées), puis calculer les
    # valeurs du message sur les seuls dossiers retenus, comme toujours.
    return (df.lazy().with_columns(pl.lit(masque).alias("_retenu")).filter(pl.col("_retenu"))
            .select(["_dossier", "_ligne", *besoins, *sans_objet, *calculs]))


def _rediger(r: RegleCompilee, table: pl.DataFrame, types: dict[str, Colonne],
             params: dict[str, Any], date_reference: dt.date, millesime: int) -> list[Constat]:
    """Les constats des dossiers retenus (``_retenus``), leurs messages rédigés champ par champ."""
    if not table.height:
        return []
    besoins = [f for f in r.champs if f in table.columns]
    colonnes = table.to_dict(as_series=False)
    dossiers, numeros = colonnes["_dossier"], colonnes["_ligne"]
    # Une case « Sans objet » est citée comme telle (elle est vide dans le tableau typé).
    for f in besoins:
        if f"{f}__sans_objet" in colonnes:
            colonnes[f] = [affichage.SANS_OBJET if so else x
                           for x, so in zip(colonnes[f], colonnes[f"{f}__sans_objet"], strict=True)]
    messages = _messages(r, table.height, colonnes, set(besoins), dossiers, numeros, types, params,
                         date_reference, millesime)
    return r.regle.constats(dossiers, numeros, r.colonnes, _entetes(r, types), messages)


def _entetes(r: RegleCompilee, types: dict[str, Colonne]) -> tuple[str, ...]:
    return tuple(types[c].entete for c in r.colonnes)


def _messages(r: RegleCompilee, n: int, colonnes: dict[str, list[Any]], cites: set[str], dossiers: list[Any],
              numeros: list[Any], types: dict[str, Colonne], params: dict[str, Any], date_reference: dt.date,
              millesime: int) -> list[str]:
    """Les ``n`` messages de la règle, rédigés champ par champ. ``colonnes`` : les valeurs
    calculées (« v_<nom> ») et les colonnes ``cites`` par le message, une valeur par dossier."""
    morceaux: list[Any] = []
    for litteral, f, spec, _ in r.morceaux:
        if litteral:
            morceaux.append(itertools.repeat(litteral, n))
        if not f:
            continue
        if f in r.valeurs:
            morceaux.append(_textes(colonnes[f"v_{f}"], spec))
        elif f in cites:
            morceaux.append(_textes(colonnes[f], spec or types[f].type))
        elif f == "dossier":
            morceaux.append(_textes(dossiers, spec))
        elif f == "ligne":
            morceaux.append(_textes(numeros, spec))
        else:
            constante = {"date_reference": date_reference, "millesime": str(millesime),
                         "millesime_precedent": str(millesime - 1)}.get(f, params.get(f))
            morceaux.append(itertools.repeat(formater_valeur(constante, spec), n))
    return list(map("".join, zip(*morceaux, strict=False))) if morceaux else [""] * n


# Classes dont l'affichage d'une valeur ne dépend que de sa valeur : mises en mémoire une fois par
# valeur distincte (une colonne répète beaucoup : dates, statuts, communes, montants). Un nombre à
# virgule nul porte son signe dans la clé : 0.0 == -0.0 partagerait un texte qui diffère.
_MEMORISABLES = frozenset({str, int, bool, float, dt.date, dt.datetime, type(None)})


def _textes(valeurs: list[Any], sorte: str | None) -> list[str]:
    """Le texte de chaque valeur d'une colonne dans un message (voir :func:`formater_valeur`)."""
    vus: dict[tuple[Any, ...], str] = {}
    textes = []
    for x in valeurs:
        classe = x.__class__
        if classe in _MEMORISABLES:
            cle = (classe, x) if classe is not float or x else (classe, x, math.copysign(1.0, x))
            texte = vus.get(cle)
            if texte is None:
                texte = vus[cle] = formater_valeur(x, sorte)
        else:
            texte = formater_valeur(x, sorte)
        textes.append(texte)
    return textes


def formater_valeur(x: Any, type_colonne: str | None = None) -> str:
    """Une valeur dans un message : voir :func:`cdv_regles.affichage.valeur`.

    ``type_colonne`` : le type de la colonne, ou le format demandé par le message (« pourcent »,
    « nombre », « montant », « date »). Sans indication, un nombre décimal est un montant (les
    valeurs calculées des règles sont presque toujours des sommes d'euros).
    """
    if type_colonne in TYPES:
        sorte = TYPES[type_colonne].affichage
    else:
        sorte = type_colonne or ("montant" if isinstance(x, float) else None)
    return affichage.valeur(x, sorte)
