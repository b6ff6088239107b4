"""Le petit langage des règles : des expressions lues, jamais exécutées.

Une expression est analysée par ``ast`` puis traduite, nœud par nœud, en expression polars
évaluée sur tout le tableau d'un coup. Seuls les nœuds et fonctions listés ici sont admis : un
fichier de règles ne peut donc exécuter aucun code. Mots français acceptés : ``et``, ``ou``,
``non``, ``pas`` (``statut pas dans liste``), ``dans``, ``vrai``, ``faux``, ``nul``.

Logique à trois valeurs : une comparaison avec une cellule vide ne vaut ni vrai ni faux ; le
moteur considère alors l'exigence comme satisfaite (c'est la règle « obligatoire » de la colonne
qui signale le vide) et la condition d'application comme fausse.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import io
import itertools
import operator
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from cdv_regles.derivations import Derivation
from cdv_regles.parametres import EnDefaut
from cdv_regles.referentiels import Referentiel, cle_nom

_MOTS_FRANCAIS = {"et": "and", "ou": "or", "non": "not", "pas": "not", "dans": "in",
                  "vrai": "True", "faux": "False", "nul": "None"}


class ExpressionInvalide(Exception):
    """Message en français ; le chargeur y ajoute le fichier et la règle."""


class ParametreNonDefini(Exception):
    """La règle cite un paramètre sans valeur pour ce millésime : elle ne s'y applique pas."""


# Un mot français qui pourrait être un jeton à lui seul : ni précédé d'une lettre ou d'un « _ »
# (un chiffre, si : « 0et » se lit « 0 et »), ni suivi d'une lettre, d'un chiffre ou d'un « _ ».
# Sans aucun, le texte n'a rien à traduire et tokenize (lent, en Python pur) est évité.
_MOT_FRANCAIS = re.compile(r"(?<![^\W\d])(?:" + "|".join(_MOTS_FRANCAIS) + r")(?!\w)")


def analyser(texte: str) -> ast.expr:
    """Texte -> arbre, après traduction des mots français (hors chaînes de caractères)."""
    if not isinstance(texte, str) or not texte.strip():
        raise ExpressionInvalide("expression vide ou qui n'est pas du texte")
    source = texte.strip()
    try:
        traduit = _traduire(source) if _MOT_FRANCAIS.search(source) else source
        return ast.parse(traduit, mode="eval").body
    except (SyntaxError, tokenize.TokenError, IndentationError, ValueError, RecursionError, MemoryError):
        raise ExpressionInvalide(f"expression illisible « {texte} » : vérifiez les parenthèses, "
                                 "les apostrophes et les opérateurs") from None


@functools.lru_cache(maxsize=1024)  # une même condition revient dans plusieurs règles
def _traduire(source: str) -> str:
    """Les mots français remplacés par leurs mots-clés Python, jeton par jeton (les chaînes de
    caractères et les noms qui les contiennent, comme ``budget``, restent tels quels)."""
    debuts = [0]
    for ligne in source.splitlines(keepends=True):
        debuts.append(debuts[-1] + len(ligne))
    morceaux, fin = [], 0
    for j in tokenize.generate_tokens(io.StringIO(source).readline):
        if j.type == tokenize.NAME and j.string in _MOTS_FRANCAIS:
            debut = debuts[j.start[0] - 1] + j.start[1]
            morceaux += [source[fin:debut], _MOTS_FRANCAIS[j.string]]
            fin = debuts[j.end[0] - 1] + j.end[1]
    return "".join(morceaux) + source[fin:]


@dataclass(frozen=True)
class Colonnes:
    """Valeur d'un paramètre de type ``colonnes`` : des identifiants de colonnes."""

    ids: tuple[str, ...]


@dataclass
class Portee:
    """Ce qu'une expression peut nommer.

    ``colonnes`` : id -> (type, référentiel) ; ``parametres`` : nom -> valeur pour le millésime ;
    ``referentiels`` : nom -> Referentiel ; ``date_reference`` : la date de référence.
    """

    colonnes: dict[str, tuple[str, Referentiel | None]]
    entetes: dict[str, str]
    parametres: dict[str, Any]
    types_parametres: dict[str, str]
    referentiels: dict[str, Referentiel]
    date_reference: dt.date
    colonnes_vues: set[str] | None = None
    # Colonnes qui ont des cellules illisibles : le tableau porte alors « <id>__illisible ».
    illisibles: frozenset[str] = frozenset()
    millesime: int = 0


Valeur = Any  # pl.Expr ou littéral Python


_LISTE_DE_COLONNES = "une liste de colonnes s'utilise dans somme(), max_de(), nb_oui()…"


def _lit(v: Valeur) -> pl.Expr:
    if isinstance(v, pl.Expr):
        return v
    if isinstance(v, Colonnes):
        raise ExpressionInvalide(_LISTE_DE_COLONNES)
    if isinstance(v, list):
        return pl.lit(pl.Series(v))
    return pl.lit(v)


class Compilateur:
    """Traduit un arbre d'expression en expression polars (ou en littéral)."""

    def __init__(self, portee: Portee) -> None:
        self.portee = portee
        self.fonctions: dict[str, Callable[..., Valeur]] = {
            "somme": self._somme, "max_de": self._max_de, "min_de": self._min_de,
            "oui": self._oui, "vide": self._vide, "rempli": self._rempli,
            "nb_oui": self._nb_oui, "si": self._si, "defini": self._defini,
            "siret_valide": self._siret_valide, "rna_valide": self._rna_valide,
            "inconnus": self._inconnus, "tous_dans": self._tous_dans,
            "referentiel": self._referentiel, "total": self._total, "nombre": self._nombre,
            "doublon": self._doublon, "joindre": self._joindre, "annee": self._annee,
            "arrondi": self._arrondi, "abs": self._abs,
            "valeurs_de": self._valeurs_de, "colonnes_de": self._colonnes_de, "nb_elements": self._nb_elements,
            "non_coches": self._non_coches, "valeurs_ou": self._valeurs_ou,
            "contient": self._contient, "mots_trouves": self._mots_trouves,
            "date_du_millesime": self._date_du_millesime, "anciens_noms": self._anciens_noms,
        }
        self.derivations: dict[str, Derivation] = {}

    # --- entrée -------------------------------------------------------------------------
    def compiler(self, texte: str) -> Valeur:
        return self.noeud(analyser(texte))

    def noeud(self, n: ast.AST) -> Valeur:
        methode = getattr(self, "_n_" + type(n).__name__, None)
        if methode is None:
            raise ExpressionInvalide(f"construction non admise dans une règle : {type(n).__name__}")
        return methode(n)

    # --- nœuds --------------------------------------------------------------------------
    def _n_Constant(self, n: ast.Constant) -> Valeur:
        if isinstance(n.value, str) and _ressemble_date(n.value):
            return dt.date.fromisoformat(n.value)
        if n.value is None or isinstance(n.value, bool | int | float | str):
            return n.value
        raise ExpressionInvalide(f"constante non admise : {n.value!r}")

    def _n_Name(self, n: ast.Name) -> Valeur:
        nom = n.id
        p = self.portee
        if nom in p.colonnes:
            if p.colonnes_vues is not None:
                p.colonnes_vues.add(nom)
            return pl.col(nom)
        if nom in p.parametres:
            v = p.parametres[nom]
            if isinstance(v, EnDefaut):
                raise ExpressionInvalide(f"le paramètre « {nom} » est refusé ({v.raison}) : "
                                         f"corrigez-le dans {v.chemin}")
            if v is None:
                raise ParametreNonDefini(nom)
            if p.types_parametres.get(nom) == "colonnes" and v is not None:
                inconnues = [c for c in v if c not in p.colonnes]
                if inconnues:
                    raise ExpressionInvalide(f"le paramètre « {nom} » cite des colonnes inconnues : {inconnues}")
                return Colonnes(tuple(v))
            return v
        if nom == "date_reference":
            return p.date_reference
        if nom == "millesime":
            return p.millesime
        if nom in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[nom]
        raise ExpressionInvalide(
            f"nom inconnu « {nom} » : ni une colonne du tableau, ni un paramètre, ni « date_reference »"
        )

    def _n_List(self, n: ast.List) -> Valeur:
        valeurs = [self.noeud(e) for e in n.elts]
        if any(isinstance(v, pl.Expr) for v in valeurs):
            raise ExpressionInvalide("une liste entre crochets ne contient que des valeurs fixes")
        return valeurs

    _n_Tuple = _n_List

    def _n_BoolOp(self, n: ast.BoolOp) -> Valeur:
        et = isinstance(n.op, ast.And)
        valeurs = []
        for terme in n.values:
            v = self.noeud(terme)
            # Un terme fixe qui tranche arrête la lecture : « defini(a) et a > 0 » ne lit pas
            # « a » quand il n'a pas de valeur pour ce millésime.
            if not isinstance(v, pl.Expr) and bool(v) != et:
                return not et
            valeurs.append(v)
        # Les termes fixes (p. ex. defini(parametre)) tranchent dès la compilation : une règle
        # « defini(a) et defini(b) » est ignorée si l'un manque, au lieu d'être évaluée à moitié.
        fixes = [bool(v) for v in valeurs if not isinstance(v, pl.Expr)]
        if et and not all(fixes):
            return False
        if not et and any(fixes):
            return True
        exprs = [v for v in valeurs if isinstance(v, pl.Expr)]
        if not exprs:
            return et
        resultat = exprs[0]
        for v in exprs[1:]:
            resultat = (resultat & v) if et else (resultat | v)
        return resultat

    def _n_UnaryOp(self, n: ast.UnaryOp) -> Valeur:
        v = self.noeud(n.operand)
        if isinstance(n.op, ast.Not):
            return ~_lit(v) if isinstance(v, pl.Expr) else not v
        if isinstance(n.op, ast.USub):
            return -v
        if isinstance(n.op, ast.UAdd):
            return v
        raise ExpressionInvalide("opérateur unaire non admis")

    def _n_BinOp(self, n: ast.BinOp) -> Valeur:
        g, d = self.noeud(n.left), self.noeud(n.right)
        ops = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__"}
        op = ops.get(type(n.op))
        if op is None:
            raise ExpressionInvalide("opérateur non admis (seuls + - * / le sont)")
        if not isinstance(g, pl.Expr) and not isinstance(d, pl.Expr):
            if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (g, d)):
                raise ExpressionInvalide("calcul admis sur des nombres seulement (pas sur des textes ni des dates)")
            if op == "__truediv__" and d == 0:
                raise ExpressionInvalide("division par zéro")
            return getattr(g, op)(d)
        return getattr(_lit(g), op)(_lit(d))

    def _n_Compare(self, n: ast.Compare) -> Valeur:
        termes = [n.left, *n.comparators]
        resultats = []
        for op, (ga, da) in zip(n.ops, itertools.pairwise(termes), strict=True):
            g, d = self.noeud(ga), self.noeud(da)
            g, d = self._canoniser(ga, g, d), self._canoniser(da, d, g)
            if not isinstance(op, ast.In | ast.NotIn):
                self._memes_types(g, d)
            resultats.append(self._comparer(op, g, d))
        resultat = resultats[0]
        for r in resultats[1:]:
            resultat = _lit(resultat) & _lit(r)
        return resultat

    def _sorte(self, v: Valeur) -> str | None:
        """La sorte d'une colonne nue ou d'un littéral (None : inconnue, p. ex. un calcul)."""
        if isinstance(v, pl.Expr):
            if not v.meta.is_column():
                return None
            type_ = self.portee.colonnes.get(v.meta.output_name(), (None, None))[0]
            from cdv_regles.types_colonnes import TYPES

            return TYPES[type_].sorte_valeur() if type_ in TYPES else None
        if isinstance(v, bool):
            return "booléen"
        if isinstance(v, int | float):
            return "nombre"
        if isinstance(v, dt.date):
            return "date"
        if isinstance(v, str):
            return "texte"
        return None

    def _memes_types(self, g: Valeur, d: Valeur) -> None:
        """Comparer une date à un nombre, un montant à un texte… est une faute du fichier de
        règles, dite au chargement (polars comparerait une date à un nombre sans rien dire)."""
        sg, sd = self._sorte(g), self._sorte(d)
        if sg and sd and sg != sd:
            raise ExpressionInvalide(f"comparaison d'un(e) {sg} ({_decrire(g)}) avec un(e) {sd} ({_decrire(d)}) : "
                                     "comparez des valeurs de même type")

    def _comparer(self, op: ast.cmpop, g: Valeur, d: Valeur) -> Valeur:
        if isinstance(g, Colonnes) or isinstance(d, Colonnes):
            raise ExpressionInvalide(_LISTE_DE_COLONNES)
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(d, list):
                raise ExpressionInvalide("« dans » attend une liste à droite, p. ex. statut dans etapes_definitives")
            if isinstance(g, pl.Expr):
                r = g.is_in(d) if d else pl.lit(False)
                r = pl.when(g.is_null()).then(None).otherwise(r)
            else:
                r = g in d
            return ~r if isinstance(op, ast.NotIn) and isinstance(r, pl.Expr) else (
                (not r) if isinstance(op, ast.NotIn) else r)
        noms = {ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.Lt: "__lt__", ast.LtE: "__le__",
                ast.Gt: "__gt__", ast.GtE: "__ge__"}
        nom = noms.get(type(op))
        if nom is None:
            raise ExpressionInvalide("comparaison non admise (== != < <= > >= dans)")
        if g is None or d is None:
            raise ExpressionInvalide("comparer à « nul » : utilisez vide(x) ou rempli(x)")
        if not isinstance(g, pl.Expr) and not isinstance(d, pl.Expr):
            try:  # operator, pas g.__lt__ : « 'a' < 1 » lève au lieu de rendre NotImplemented
                return getattr(operator, nom.strip("_"))(g, d)
            except TypeError:
                raise ExpressionInvalide(f"comparaison impossible entre {g!r} et {d!r} : "
                                         "valeurs de types différents") from None
        return getattr(_lit(g), nom)(_lit(d))

    def _canoniser(self, noeud: ast.AST, valeur: Valeur, autre: Valeur) -> Valeur:
        """« PRE » comparé à la colonne Dispositif devient sa valeur officielle ; une valeur
        absente de la liste est une erreur du fichier de règles, pas un constat."""
        del noeud
        ref = self._referentiel_de(autre)
        if ref is None:
            return valeur
        if isinstance(valeur, str):
            return self._officiel(ref, valeur)
        if isinstance(valeur, list):
            return [self._officiel(ref, v) if isinstance(v, str) else v for v in valeur]
        return valeur

    def _referentiel_de(self, v: Valeur) -> Referentiel | None:
        if isinstance(v, pl.Expr):
            noms = v.meta.root_names()
            if len(noms) == 1 and v.meta.is_column():
                return self.portee.colonnes.get(noms[0], (None, None))[1]
        return None

    @staticmethod
    def _officiel(ref: Referentiel, texte: str) -> str:
        officiel = ref.officiel(texte)
        if officiel is None:
            raise ExpressionInvalide(
                f"« {texte} » n'est pas une valeur de la liste {ref.nom} ({', '.join(ref.valeurs)})"
            )
        return officiel

    def _n_Call(self, n: ast.Call) -> Valeur:
        if isinstance(n.func, ast.Name) and n.func.id == "defini" and len(n.args) == 1 \
                and isinstance(n.args[0], ast.Name) and n.args[0].id not in self.portee.colonnes:
            # un paramètre qu'aucun greffon ne déclare, ou sans valeur pour ce millésime
            v = self.portee.parametres.get(n.args[0].id)
            return v is not None and not isinstance(v, EnDefaut)
        if not isinstance(n.func, ast.Name) or n.func.id not in self.fonctions:
            nom = n.func.id if isinstance(n.func, ast.Name) else "?"
            raise ExpressionInvalide(
                f"fonction inconnue « {nom} » ; fonctions admises : {', '.join(sorted(self.fonctions))}"
            )
        args = [self.noeud(a) for a in n.args]
        kwargs = {k.arg: self.noeud(k.value) for k in n.keywords if k.arg}
        try:
            return self.fonctions[n.func.id](*args, **kwargs)
        except TypeError:  # nombre ou sorte d'arguments : le texte de Python ou de polars est anglais
            raise ExpressionInvalide(f"arguments incorrects pour {n.func.id}() : elle s'écrit "
                                     f"{self._usage(n.func.id)} (voir regles/LISEZMOI.md)") from None

    def _usage(self, nom: str) -> str:
        """« joindre(x, separateur=', ') » : la forme d'appel d'une fonction du langage."""
        import inspect

        parametres = []
        for p in inspect.signature(self.fonctions[nom]).parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                parametres.append(f"{p.name}…")
            elif p.default is not p.empty:
                parametres.append(f"{p.name}={p.default!r}")
            else:
                parametres.append(p.name)
        return f"{nom}({', '.join(parametres)})"

    # --- fonctions ----------------------------------------------------------------------
    def _developper(self, args: tuple[Valeur, ...]) -> list[pl.Expr]:
        exprs: list[pl.Expr] = []
        for a in args:
            if isinstance(a, Colonnes):
                exprs += [pl.col(c) for c in a.ids]
                if self.portee.colonnes_vues is not None:
                    self.portee.colonnes_vues.update(a.ids)
            else:
                exprs.append(_lit(a))
        if not exprs:
            raise ExpressionInvalide("il faut au moins un terme")
        return exprs

    def _somme(self, *args: Valeur) -> pl.Expr:
        """Somme ligne à ligne ; une cellule vide compte pour 0."""
        return pl.sum_horizontal([e.fill_null(0) for e in self._developper(args)])

    def _max_de(self, *args: Valeur) -> pl.Expr:
        return pl.max_horizontal(self._developper(args))

    def _min_de(self, *args: Valeur) -> pl.Expr:
        return pl.min_horizontal(self._developper(args))

    def _oui(self, x: Valeur) -> pl.Expr:
        """Vrai seulement si la case vaut Oui (vide = non)."""
        return _lit(x).fill_null(False)

    def _vide(self, x: Valeur) -> Valeur:
        """Cellule vide. Une cellule illisible n'est pas vide : elle a déjà son constat."""
        if not isinstance(x, pl.Expr):
            return x is None or x == "" or x == []
        if x.meta.is_column() and x.meta.output_name() in self.portee.illisibles:
            return x.is_null() & ~pl.col(f"{x.meta.output_name()}__illisible")
        return x.is_null()

    def _rempli(self, x: Valeur) -> Valeur:
        v = self._vide(x)
        return ~v if isinstance(v, pl.Expr) else not v

    def _nb_oui(self, *args: Valeur) -> pl.Expr:
        return pl.sum_horizontal([e.fill_null(False).cast(pl.Int32) for e in self._developper(args)])

    def _si(self, condition: Valeur, alors: Valeur, sinon: Valeur) -> pl.Expr:
        return pl.when(_lit(condition).fill_null(False)).then(_lit(alors)).otherwise(_lit(sinon))

    def _defini(self, x: Valeur) -> bool:
        if isinstance(x, pl.Expr):
            raise ExpressionInvalide("defini() s'applique à un paramètre, pas à une colonne (voir rempli())")
        return x is not None

    def _siret_valide(self, x: Valeur) -> pl.Expr:
        """14 chiffres ASCII et clé de Luhn ; La Poste (SIREN 356000000) : somme des chiffres
        multiple de 5. Vide : nul (la règle « obligatoire » le signale) ; une clé qui ne se
        calcule pas (chiffres non ASCII) : faux, jamais nul."""
        s = _lit(x).cast(pl.String)
        chiffres = [s.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(14)]
        termes = []
        for i, c in enumerate(chiffres):
            if i % 2 == 0:  # rangs pairs depuis la droite (14 chiffres) : doublés
                d = c * 2
                termes.append(pl.when(d > 9).then(d - 9).otherwise(d))
            else:
                termes.append(c)
        luhn = pl.sum_horizontal(termes) % 10 == 0
        la_poste = s.str.starts_with("356000000") & (pl.sum_horizontal(chiffres) % 5 == 0)
        forme = s.str.contains(r"^[0-9]{14}$")  # pas \d : le moteur de regex admet tout chiffre Unicode
        return pl.when(s.is_null()).then(None).otherwise((forme & (luhn | la_poste)).fill_null(False))

    def _rna_valide(self, x: Valeur) -> pl.Expr:
        s = _lit(x).cast(pl.String)
        return pl.when(s.is_null()).then(None).otherwise(s.str.contains(r"^W[0-9]{9}$").fill_null(False))

    def _referentiel(self, nom: Valeur) -> Referentiel:
        if isinstance(nom, str) and nom not in self.portee.referentiels \
                and self.portee.types_parametres.get(nom) == "referentiel":
            # une liste datée sans valeurs pour ce millésime : la règle ne s'y applique pas (comme
            # un paramètre non défini ; le millésime est refusé avant, par exiger_renseignes)
            raise ParametreNonDefini(nom)
        if not isinstance(nom, str) or nom not in self.portee.referentiels:
            connus = ", ".join(sorted(self.portee.referentiels))
            raise ExpressionInvalide(f"référentiel inconnu « {nom} » (connus : {connus})")
        return self.portee.referentiels[nom]

    def _inconnus(self, x: Valeur, ref: Valeur, selon: Valeur = None) -> pl.Expr:
        """Les éléments d'une cellule-liste absents du référentiel (liste de textes).

        ``selon`` : une colonne-liste de contexte (les communes) pour les noms qui ne sont
        univoques qu'avec elle (« Centre-Ville » de Quiévrechain). Calculé sur tout le tableau
        par le moteur avant l'évaluation des règles (voir ``derivations.py``).
        """
        if not isinstance(ref, Referentiel):
            raise ExpressionInvalide('inconnus()/tous_dans() attend referentiel("nom") en 2e argument')
        if not (isinstance(x, pl.Expr) and x.meta.is_column()):
            raise ExpressionInvalide("inconnus()/tous_dans() s'applique à une colonne-liste")
        nom_x = x.meta.output_name()
        nom_selon = None
        if selon is not None:
            if not (isinstance(selon, pl.Expr) and selon.meta.is_column()):
                raise ExpressionInvalide("selon= attend une colonne-liste, p. ex. selon=communes")
            nom_selon = selon.meta.output_name()
        d = Derivation(nom_x, ref, nom_selon)
        self.derivations[d.nom] = d
        return pl.col(d.nom)

    def _anciens_noms(self, x: Valeur, ref: Valeur) -> pl.Expr:
        """Texte qui explique les noms d'une géographie précédente d'une cellule-liste (QPV 2015
        dans un tableau 2024) et ce qui leur correspond ; vide s'il n'y en a pas."""
        from cdv_regles.derivations import cle_expr

        if not isinstance(ref, Referentiel):
            raise ExpressionInvalide('anciens_noms() attend referentiel("nom") en 2e argument')
        if not ref.anciens:
            return pl.lit("")
        trouves = _lit(x).list.eval(
            cle_expr(pl.element()).replace_strict(list(ref.anciens), list(ref.anciens.values()), default=None,
                                                  return_dtype=pl.String)).list.drop_nulls()
        return pl.when(trouves.list.len() > 0).then(
            pl.lit(" " + ref.note_anciens) + trouves.list.join(" ; ") + pl.lit(".")).otherwise(pl.lit(""))

    def _tous_dans(self, x: Valeur, ref: Valeur, selon: Valeur = None) -> pl.Expr:
        inconnus = self._inconnus(x, ref, selon)
        return pl.when(x.is_null()).then(None).otherwise(inconnus.list.len() == 0)

    def _total(self, x: Valeur) -> pl.Expr:
        return _lit(x).fill_null(0).sum()

    def _nombre(self, condition: Valeur) -> pl.Expr:
        return _lit(condition).fill_null(False).cast(pl.Int64).sum()

    def _doublon(self, x: Valeur) -> pl.Expr:
        e = _lit(x)
        return e.is_not_null() & e.is_duplicated()

    def _joindre(self, x: Valeur, separateur: str = ", ") -> pl.Expr:
        return _lit(x).list.join(separateur)

    def _annee(self, x: Valeur) -> Valeur:
        return x.year if isinstance(x, dt.date) else _lit(x).dt.year()

    def _arrondi(self, x: Valeur, chiffres: int = 0) -> Valeur:
        return round(x, chiffres) if not isinstance(x, pl.Expr) else x.round(chiffres)

    def _abs(self, x: Valeur) -> Valeur:
        return abs(x) if not isinstance(x, pl.Expr) else x.abs()

    def _valeurs_de(self, ref: Valeur, champ: str | None = None) -> list:
        """Les valeurs officielles d'un référentiel (ou un champ de ses entrées)."""
        if not isinstance(ref, Referentiel):
            raise ExpressionInvalide("valeurs_de() attend referentiel(\"nom\")")
        if champ is None:
            return list(ref.valeurs)
        return [d.get(champ) for d in ref.details]

    def _colonnes_de(self, ref: Valeur, champ: str = "colonne") -> Colonnes:
        """Les colonnes que nomme un champ des entrées d'un référentiel, dans l'ordre de la liste
        (les colonnes de montant des financeurs du millésime), comme un paramètre de type colonnes."""
        if not isinstance(ref, Referentiel):
            raise ExpressionInvalide("colonnes_de() attend referentiel(\"nom\") en 1er argument")
        if not isinstance(champ, str):
            raise ExpressionInvalide("colonnes_de() attend le nom d'un champ (texte) en 2e argument")
        ids = [d.get(champ) for d in ref.details]
        if not ids:
            raise ExpressionInvalide(f"colonnes_de() : la liste « {ref.nom} » est vide pour ce millésime")
        if any(not isinstance(c, str) for c in ids):
            raise ExpressionInvalide(f"colonnes_de() : les éléments de la liste « {ref.nom} » n'ont pas tous "
                                     f"un champ « {champ} » (texte) ; champs vus : "
                                     f"{', '.join(sorted({k for d in ref.details for k in d})) or 'aucun'}")
        inconnues = [c for c in ids if c not in self.portee.colonnes]
        if inconnues:
            raise ExpressionInvalide(f"la liste « {ref.nom} » cite des colonnes inconnues (champ « {champ} ») : "
                                     f"{', '.join(inconnues)}")
        return Colonnes(tuple(dict.fromkeys(ids)))

    def _non_coches(self, *args: Valeur) -> pl.Expr:
        """Les en-têtes des cases qui ne valent pas Oui (pour dire ce qui manque)."""
        noms = []
        for a in args:
            if isinstance(a, Colonnes):
                noms += a.ids
                continue
            if not (isinstance(a, pl.Expr) and a.meta.is_column()):
                raise ExpressionInvalide("non_coches() attend des colonnes Oui/Non")
            noms.append(a.meta.output_name())
        return pl.concat_list([
            pl.when(pl.col(c).fill_null(False)).then(None).otherwise(pl.lit(self.portee.entetes[c]))
            for c in noms]).list.drop_nulls()

    def _valeurs_ou(self, x: Valeur, condition: Valeur) -> pl.Expr:
        """Tableau entier : les valeurs distinctes de x sur les dossiers où la condition est vraie."""
        return _lit(x).filter(_lit(condition).fill_null(False)).unique(maintain_order=True).implode()

    @staticmethod
    def _mots(mots: Valeur) -> list[str]:
        if isinstance(mots, str):
            mots = [mots]
        if not isinstance(mots, list) or not mots or not all(isinstance(m, str) for m in mots):
            raise ExpressionInvalide("contient()/mots_trouves() attend un mot ou une liste de mots (texte)")
        return mots

    def _contient(self, x: Valeur, mots: Valeur) -> pl.Expr:
        """La cellule contient l'un des mots (sans casse ni accents, en début de mot)."""
        from cdv_regles.derivations import contient_mots

        return contient_mots(_lit(x), self._mots(mots))

    def _mots_trouves(self, x: Valeur, mots: Valeur) -> pl.Expr:
        """Les mots de la liste trouvés dans la cellule (forme sans accents), pour les messages."""
        from cdv_regles.derivations import cle_expr, motif_mots

        return cle_expr(_lit(x).cast(pl.String)).str.extract_all(motif_mots(self._mots(mots))) \
            .list.eval(pl.element().str.strip_chars()).list.unique(maintain_order=True)

    def _date_du_millesime(self, mois: Valeur, jour: Valeur) -> dt.date:
        """Une date de l'année du millésime : date_du_millesime(7, 1) = 1er juillet."""
        try:
            return dt.date(self.portee.millesime, int(mois), int(jour))
        except (TypeError, ValueError, OverflowError):
            raise ExpressionInvalide(f"date_du_millesime({mois}, {jour}) : mois et jour invalides") from None

    def _nb_elements(self, x: Valeur) -> pl.Expr:
        return _lit(x).list.len()


def _decrire(v: Valeur) -> str:
    return f"colonne {v.meta.output_name()}" if isinstance(v, pl.Expr) else repr(v)


def _ressemble_date(s: str) -> bool:
    if len(s) != 10 or s[4] != "-" or s[7] != "-":
        return False
    try:
        dt.date.fromisoformat(s)
    except ValueError:
        return False
    return True


__all__ = ["Colonnes", "Compilateur", "ExpressionInvalide", "Portee", "analyser", "cle_nom"]
