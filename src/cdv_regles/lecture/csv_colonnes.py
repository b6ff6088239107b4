"""Le corps d'un CSV (ce qui suit sa ligne d'en-têtes) lu par colonnes, avec polars.

Les cellules restent dans des colonnes polars au lieu de devenir des millions d'objets Python,
et la conversion ne lit en Python que les valeurs distinctes de chaque colonne. Le résultat est
celui de la lecture ligne à ligne (:mod:`.csv` puis :func:`.entete.construire`) : mêmes
enregistrements, mêmes cellules, mêmes numéros, mêmes erreurs ; ``tests/test_csv_colonnes.py``
compare les deux sur des fichiers tirés au hasard.

- Une ligne sans guillemet est découpée au séparateur par polars, comme ``str.split``. Une
  ligne dont chaque guillemet encadre une cellule entière est relue par polars, guillemets
  compris ; toute autre ligne à guillemets (guillemet dans une cellule, cellule sur plusieurs
  lignes, erreur) est lue par le module csv, comme ligne à ligne.
- Une cellule vide ou d'espaces devient None : « espaces » au sens de polars, qui sont celles
  de Python (``str.isspace``) hors \\x1c à \\x1f, d'où leur exclusion ci-dessous.
- Restent lus ligne à ligne (:func:`admissible` dit non) : les fichiers dont une fin de ligne
  n'est ni \\r\\n ni \\n (\\r seul, \\v, \\f, \\x1c à \\x1e, \\x85, \\u2028, \\u2029, que Python
  reconnaît), ceux qui ont un \\x1f, et ceux dont une ligne dépasse la taille permise d'une
  cellule (l'erreur est alors dite par la lecture ligne à ligne).
- Un petit fichier (moins de :data:`TAILLE_MIN` caractères, environ 2 000 dossiers) est lu ligne
  à ligne : les trois ``read_csv`` de polars et le codage des colonnes y coûtent plus qu'ils
  n'épargnent (mesuré sur les tableaux du banc : 20 à 40 ms de plus par clic à 300 et 1 000
  dossiers, 0,1 s de moins à 5 000).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cdv_regles.lecture.entete import colonnes_retenues, ligne_vide, texte_entete
from cdv_regles.lecture.limites import Limites
from cdv_regles.lecture.messages import trop_de_colonnes, trop_de_lignes
from cdv_regles.lecture.table import TableBrute

if TYPE_CHECKING:
    import polars as pl

#: Caractères en dessous desquels un CSV est lu ligne à ligne (voir le module).
TAILLE_MIN = 1_000_000

_HORS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u2029")


def admissible(texte: str) -> bool:
    """Le texte peut-il être lu par colonnes (voir le module) ?"""
    # (Un \r seul, ou des fins \n et \r\n mêlées : vu par :class:`Corps`, qui se récuse.)
    return not any(c in texte for c in _HORS)


class Compteur:
    """Les lignes d'un itérateur, en comptant les lignes et les caractères déjà donnés."""

    def __init__(self, lignes: Iterator[str]) -> None:
        self._lignes = lignes
        self.lignes = 0
        self.caracteres = 0

    def __iter__(self) -> Compteur:
        return self

    def __next__(self) -> str:
        ligne = next(self._lignes)
        self.lignes += 1
        self.caracteres += len(ligne)
        return ligne


class Repli(Exception):
    """Ce fichier se lit ligne à ligne (un cas que la lecture par colonnes ne tranche pas seule)."""


class MalForme(Exception):
    """Un enregistrement entre guillemets mal formé : ``ligne`` (1-based) et l'erreur csv."""

    def __init__(self, ligne: int, erreur: csv.Error) -> None:
        super().__init__(ligne, erreur)
        self.ligne, self.erreur = ligne, erreur


class Corps:
    """Les enregistrements d'un texte CSV (le corps du fichier), par colonnes.

    ``lignes_avant`` : lignes du fichier avant ce texte (pour situer une erreur) ; ``maximum`` :
    enregistrements lus au plus (au-delà, rien n'est lu, comme ligne à ligne) ; ``largeur`` :
    cellules gardées de chaque enregistrement (jusqu'à la dernière colonne qui a un en-tête).
    """

    def __init__(self, texte: str, separateur: str, lignes_avant: int, maximum: int, largeur: int,
                 cellule_max: int) -> None:
        import polars as pl

        fins = texte.count("\n")
        retours = texte.count("\r")
        if texte.startswith("\ufeff") or (retours and not retours == fins == texte.count("\r\n")):
            raise Repli  # polars sauterait cette marque d'ordre ; un \r seul, ou \n et \r\n mêlés
        self._fin = "\r\n" if retours else "\n"
        # polars lit le texte en UTF-8, sur tous les cœurs, sans guillemets (les lignes qui en
        # ont sont relues plus bas) : une fois au caractère \x1f (absent : admissible) pour avoir
        # chaque ligne entière (null si vide), une fois au séparateur pour ses cellules (null
        # si vides ; les cellules au-delà de ``largeur`` ignorées, celles qui manquent null).
        donnees = texte.encode("utf-8")
        options: dict[str, Any] = {"has_header": False, "quote_char": None, "raise_if_empty": False}
        try:
            self._lignes = pl.read_csv(donnees, separator="\x1f", schema={"l": pl.String}, **options).to_series()
            self._cellules = pl.read_csv(
                donnees, separator=separateur, schema={str(j): pl.String for j in range(largeur)},
                truncate_ragged_lines=True, missing_columns="insert", extra_columns="ignore", **options)
        except pl.exceptions.PolarsError:
            raise Repli from None  # (jamais vu) : la lecture ligne à ligne dira ce qui ne va pas
        del donnees
        n = fins + (not texte.endswith("\n") and bool(texte))
        if len(self._lignes) != n or self._cellules.height != n:
            raise Repli  # (jamais vu : polars n'a pas vu les lignes que voit Python)
        if n and (self._lignes.str.len_chars().max() or 0) > cellule_max:  # type: ignore[operator]
            raise Repli  # une cellule peut-être trop longue : l'erreur est dite ligne à ligne
        self._sep, self._largeur = separateur, largeur
        # Les lignes qui ont un guillemet. Celles où chaque guillemet encadre une cellule entière
        # (« "a;b" », « "dit ""oui""" ») et où une lettre au moins n'est ni espace, ni séparateur,
        # ni guillemet (la ligne n'est pas vide) sont relues par polars, guillemets compris : pour
        # elles, son découpage est celui du module csv. Les autres (guillemet au milieu d'une
        # cellule, cellule sur plusieurs lignes, erreur) sont lues par le module csv, qui prend à
        # la suite les lignes d'une cellule sur plusieurs lignes (ce ne sont pas des enregistrements).
        guillemets = self._lignes.str.contains('"', literal=True).arg_true()
        textes = self._lignes.gather(guillemets)
        cellule = f'(?:[^"{separateur}]*|"(?:[^"]|"")*")'
        simple = textes.str.contains(f"^{cellule}(?:{separateur}{cellule})*$") \
            & textes.str.contains(f'[^\\s{separateur}"]')
        # Leurs textes d'un coup (une ligne lue seule coûte un appel polars).
        self._vues = dict(zip(guillemets.to_list(), textes.to_list(), strict=True))
        self.rangees: dict[int, list[str]] = {}
        suites: list[int] = []
        apres = 0
        for q in guillemets.filter(~simple).to_list():
            if q < apres:
                continue
            if q - len(suites) >= maximum:
                break
            lecteur = csv.reader(self._a_partir(q, texte.endswith("\n")), delimiter=separateur, strict=True)
            try:
                self.rangees[q] = next(lecteur)
            except csv.Error as e:
                raise MalForme(lignes_avant + q + lecteur.line_num, e) from None
            apres = q + lecteur.line_num
            suites.extend(range(q + 1, apres))
        dans_une_cellule = set(suites)
        self._simples = [q for q in guillemets.filter(simple).to_list() if q not in dans_une_cellule]
        self._relues = None
        if self._simples:
            try:
                self._relues = pl.read_csv(
                    "\n".join(map(self._vues.__getitem__, self._simples)).encode("utf-8"),
                    separator=separateur, schema={str(j): pl.String for j in range(largeur)},
                    truncate_ragged_lines=True, missing_columns="insert", extra_columns="ignore",
                    **{**options, "quote_char": '"'})
            except pl.exceptions.PolarsError:
                raise Repli from None
            if self._relues.height != len(self._simples):
                raise Repli
        indices = pl.int_range(0, n, dtype=pl.UInt32, eager=True)
        if suites:
            indices = indices.filter(pl.repeat(True, n, dtype=pl.Boolean, eager=True).scatter(suites, False))
        #: Ligne (0-based, dans ce texte) de chaque enregistrement.
        self.enregistrements = indices.head(maximum)
        self._tous = len(self.enregistrements) == n

    def _a_partir(self, debut: int, fin_de_ligne_finale: bool) -> Iterator[str]:
        """Les lignes depuis ``debut``, chacune avec sa fin de ligne (comme dans le fichier)."""
        n = len(self._lignes)
        for i in range(debut, n):
            ligne = (self._vues[i] if i in self._vues else self._lignes[i]) or ""
            yield ligne + self._fin if i < n - 1 or fin_de_ligne_finale else ligne

    def __len__(self) -> int:
        return len(self.enregistrements)

    def _par_enregistrement(self, s: pl.Series) -> pl.Series:
        return s if self._tous else s.gather(self.enregistrements)

    def vides(self) -> pl.Series:
        """Pour chaque enregistrement : toutes ses cellules sont-elles vides ou d'espaces ?"""
        # \s : les espaces Unicode, comme strip_chars (voir le module).
        vides = (~self._lignes.str.contains(f"[^\\s{self._sep}]")).fill_null(True)
        if self.rangees:
            vides = vides.scatter(list(self.rangees), [ligne_vide(r) for r in self.rangees.values()])
        return self._par_enregistrement(vides)

    def colonnes(self, retenues: list[int], n: int) -> list[pl.Series]:
        """Les ``n`` premiers enregistrements des colonnes ``retenues`` (vides et espaces : null)."""
        import polars as pl

        if self.rangees:
            pleines = [r if len(r) >= self._largeur else r + [None] * (self._largeur - len(r))
                       for r in self.rangees.values()]
            par_colonne = list(zip(*pleines, strict=False))
            lignes = list(self.rangees)
        series = []
        for j in retenues:
            s = self._cellules.to_series(j)
            if self.rangees:
                s = s.scatter(lignes, par_colonne[j])
            if self._relues is not None:
                s = s.scatter(self._simples, self._relues.to_series(j))
            series.append(self._par_enregistrement(s).head(n))
        cadre = pl.DataFrame(series).select(
            pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in map(str, retenues))
        return cadre.get_columns()

    def rangee(self, k: int) -> list[str]:
        """Les cellules de l'enregistrement ``k``, comme la lecture ligne à ligne les donne."""
        i = self.enregistrements[k]
        if i in self.rangees:
            return self.rangees[i]
        if i in self._vues:  # une ligne à guillemets relue par polars : le module csv la redécoupe
            return next(csv.reader([self._vues[i]], delimiter=self._sep, strict=True))
        ligne = self._lignes[i]
        return ligne.split(self._sep) if ligne else []


def construire(entete: list[Any], numero_entete: int, corps: Corps, *, chemin: str,
               limites: Limites, index: Mapping[str, Any]) -> TableBrute:
    """La table d'un CSV dont la ligne d'en-têtes (l'enregistrement ``numero_entete``) est
    ``entete`` et ce qui la suit ``corps`` : ce que donne :func:`.entete.construire`."""
    from cdv_regles.lecture.totaux import apres_la_fin, separer

    retenues = colonnes_retenues(entete)
    if len(retenues) > limites.colonnes_max:
        raise trop_de_colonnes(chemin, len(retenues), limites)
    vides = corps.vides()
    premiere_vide = next(iter(vides.arg_true().head(1).to_list()), None)
    # Une ligne vide pour polars l'est pour Python (espaces : voir le module) ; vérifié sur celle
    # qui arrête le tableau plutôt que supposé.
    if premiere_vide is not None and not ligne_vide(corps.rangee(premiere_vide)):
        raise Repli
    fin = len(corps) if premiere_vide is None else premiere_vide
    if fin > limites.lignes_max:
        raise trop_de_lignes(chemin, limites)

    def numero(k: int) -> int:  # le rang de l'enregistrement dans le fichier (1-based)
        return numero_entete + 1 + k

    entetes = [texte_entete(entete[j]) for j in retenues]
    colonnes, numeros, totaux = separer(entetes, corps.colonnes(retenues, fin),
                                        list(range(numero(0), numero(fin))), index)
    ignorees = None
    if premiere_vide is not None:
        pleines = vides.slice(premiere_vide + 1).not_().arg_true().head(1).to_list()
        if pleines:
            debut = premiere_vide + 1 + pleines[0]
            largeur = retenues[-1] + 1

            def projetee(k: int) -> list[Any]:
                rangee = corps.rangee(k)
                if len(rangee) < largeur:
                    rangee = rangee + [None] * (largeur - len(rangee))
                return [rangee[j] for j in retenues]

            # Un total sous une ligne vide (présentation courante) n'est pas une donnée oubliée.
            apres, premiere = apres_la_fin(entetes, range(debut, len(corps)), projetee, ligne_vide, index)
            totaux += [(numero(k), libelle) for k, libelle in apres]
            ignorees = numero(premiere) if premiere is not None else None
    totaux.sort()
    return TableBrute(
        chemin=chemin, feuille=None, entetes=entetes, colonnes_excel=retenues, colonnes=colonnes,
        numeros=numeros, ligne_entete=numero_entete, format="csv", ligne_donnees_ignorees=ignorees,
        totaux=totaux)

