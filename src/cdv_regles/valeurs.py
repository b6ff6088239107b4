"""Lecture d'une valeur de cellule : montant, date, booléen, entier, texte, liste.

Fonctions pures, sans dépendance : chacune renvoie la valeur typée, ``None`` pour une cellule
vide (``None``, ``""`` ou des espaces), ou lève :class:`ValeurIllisible` avec un message qui dit
ce qui était attendu. La conversion du tableau en fait un constat sur la cellule.

Décisions prises là où la spécification est muette :

- Montants en texte : la virgule est le séparateur décimal français ; « 12.500 » (un seul point
  suivi de trois chiffres) est ambigu (12,5 ou 12 500 ?) et refusé ; « 12,500,00 » est refusé ;
  « 1.250.000 » et « 12.500,50 » sont lus (points de milliers).
- Dates : toutes (texte, numéro de série Excel ou date du classeur) doivent tomber entre
  :data:`DATE_MIN` et :data:`DATE_MAX` ; une date hors de cette plage vient presque toujours
  d'une saisie erronée (« 2023 » tapé dans une cellule au format date donne le 15/07/1905).
- Années à deux chiffres (« 15/11/22 ») : pivot d'Excel, 00 à 29 → 2000 à 2029, 30 à 99 →
  1930 à 1999 (« 15/11/35 » donne 1935, hors plage : signalé, jamais deviné autrement). Les
  dates s'écrivent aussi « 15.11.2022 », « 15-11-2022 », « 2022-11-15 » (ISO), avec ou sans
  heure (« 15/11/2022 10:30 », « 2022-11-15T10:30:00Z ») : l'heure est ignorée.
- Montants : au-delà de :data:`MONTANT_MAX` (100 millions d'euros dans une seule cellule, plus
  que le budget annuel entier de la politique de la ville de l'agglomération) ou non finis
  (« inf », NaN, 1e308), la cellule est illisible : c'est une faute de frappe ou de formule.
  Entiers (bénéficiaires, marqueur) : au-delà de :data:`ENTIER_MAX`, illisible aussi.
- Booléens : Oui/Non et leurs variantes, cases cochées « ✓ ✔ ☑ ✅ » (Oui) et « ☐ ☒ ✗ ✘ »
  (Non). « Sans objet », « SO », « S/O », « NA », « N/A », « Non applicable », « Non
  concerné », « - » : :data:`SANS_OBJET`, une réponse distincte (ni Oui, ni Non, ni vide).
  Pour une pièce qui n'est pas due, c'est sans conséquence ; pour une pièce due, la pièce
  manque et sa règle le dit (la case est citée « Sans objet »).
- Listes (communes, QPV) : séparées par « ; » ou un retour à la ligne, et aussi par « , »,
  « / » ou « et » entouré d'espaces, sauf si le morceau entier est un nom connu
  (« Rombies et Marchipont »).
- Identifiants : chiffres ASCII seulement (``[0-9]``, jamais ``\\d`` qui admet les chiffres
  arabes-indiens ou pleine chasse). SIRET : :func:`normaliser_siret` ôte les espaces (toutes
  sortes) et les points de présentation (« 362 521 879 00034 », « 362.521.879.00034 ») ;
  :func:`siret_valide` veut alors 14 chiffres ASCII et une clé juste.
- Affichage : voir :mod:`cdv_regles.affichage`.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from cdv_regles import affichage

DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
_ORIGINE_EXCEL = dt.date(1899, 12, 30)  # numéro de série 0 (calendrier 1900, bissextile fictif inclus)
#: Années à deux chiffres : 00 à PIVOT_ANNEE - 1 → 20xx, au-delà → 19xx (comme Excel).
PIVOT_ANNEE = 30
#: Montant maximal d'une cellule (euros) : au-delà, c'est une faute de saisie.
MONTANT_MAX = 100_000_000
#: Entier maximal d'une cellule (bénéficiaires, marqueur).
ENTIER_MAX = 1_000_000_000

# Espaces rencontrées dans les nombres mis en forme : ordinaire, insécable, fine insécable, fine.
_ESPACES = " \u00a0\u202f\u2009\t"

# Erreurs de formule telles qu'Excel les enregistre, et telles qu'un export CSV français les écrit.
ERREURS_FORMULE = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!",
    "#EXTERNAL!", "#NUL!", "#VALEUR!", "#NOM?", "#NOMBRE!", "#PROPAGATION!", "#CHAMP!",
})
# LibreOffice écrit les siennes « Err:502 » … « Err:539 » (en CSV, et dans l'interface, quelle que
# soit la langue) : une référence structurée d'un Tableau Excel qu'il ne sait pas calculer, par
# exemple, donne « Err:507 » ou « Err:508 » dans la ligne de total.
_ERREUR_LIBREOFFICE = "ERR:5"

_EXEMPLE_MONTANT = "écrivez un nombre en euros, par ex. 12 500 ou 12 500,50"
_EXEMPLE_DATE = "écrivez une date JJ/MM/AAAA, par ex. 16/09/2022"


class ValeurIllisible(ValueError):
    """Une cellule ne contient pas une valeur du type attendu ; ``message`` l'explique."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class _SansObjet:
    """La réponse « Sans objet » d'une case Oui/Non : ni Oui, ni Non, ni vide."""

    _instance: _SansObjet | None = None

    def __new__(cls) -> _SansObjet:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "SANS_OBJET"

    def __str__(self) -> str:
        return affichage.SANS_OBJET


SANS_OBJET = _SansObjet()


# --- outils communs -------------------------------------------------------------------------

def est_vide(v: Any) -> bool:
    """Vrai pour une cellule vide : ``None``, chaîne vide ou faite d'espaces."""
    return v is None or (isinstance(v, str) and not v.strip(_ESPACES + "\r\n\v\f"))


def erreur_formule(v: Any) -> str | None:
    """Le code d'erreur (« #REF! », « Err:508 »…) si la cellule contient une erreur de formule, sinon None."""
    if isinstance(v, str):
        s = v.strip().upper()
        if s in ERREURS_FORMULE:
            return s
        if len(s) == 7 and s.startswith(_ERREUR_LIBREOFFICE) and s[5:].isdigit() and s[5:].isascii():
            return "Err:" + s[4:]
    return None


def _refuser_erreur_formule(v: Any) -> None:
    code = erreur_formule(v)
    if code:
        raise ValeurIllisible(f"la cellule contient une erreur de formule {code} : corrigez la formule")


def cite(v: Any) -> str:
    """La valeur vue entre guillemets, raccourcie si elle est longue, pour un message."""
    return affichage.cite(v)



def _sans_espaces(s: str) -> str:
    return "".join(c for c in s if c not in _ESPACES)


# --- montants -------------------------------------------------------------------------------

_DEVISE = re.compile(r"^(?:€|eur(?:os?)?)\s*|\s*(?:€|eur(?:os?)?)$", re.IGNORECASE)
_SIGNE = re.compile(r"^([-+\u2212])\s*")
_CHIFFRES = re.compile(r"[0-9]+")
_AMBIGU = re.compile(r"[-+\u2212]?[1-9][0-9]{0,2}\.[0-9]{3}")
_GROUPES = re.compile(r"[0-9]{1,3}(?:([ .,])[0-9]{3})(?:\1[0-9]{3})*")


def _analyser_nombre(texte: str) -> float | None:
    """Lit un nombre écrit à la française ; None s'il n'est pas reconnu.

    Les espaces (toutes sortes) sont des séparateurs de milliers ; la virgule est décimale ;
    un point est décimal s'il est seul et non suivi d'exactement trois chiffres, séparateur de
    milliers sinon. Les groupes de milliers doivent avoir trois chiffres.
    """
    s = texte.strip(_ESPACES)
    for c in _ESPACES[1:]:
        s = s.replace(c, " ")
    signe = 1.0
    m = _SIGNE.match(s)
    if m:
        signe = -1.0 if m.group(1) in "-\u2212" else 1.0
        s = s[m.end():]
    if not s:
        return None
    virgules, points = s.count(","), s.count(".")
    decimal = None
    if virgules and points:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        if s.count(decimal) != 1:
            return None
    elif virgules == 1:
        decimal = ","
    elif virgules > 1:
        return None  # « 12,500,00 » ou milliers à l'anglaise : ambigu
    elif points == 1:
        entier, _, fraction = s.partition(".")
        if len(fraction) == 3 and entier.strip() not in ("", "0") and not entier.startswith("0"):
            return None  # « 12.500 » : 12,5 ou 12 500 ?
        decimal = "."
    entier, fraction = (s.rsplit(decimal, 1) if decimal else (s, ""))
    if decimal and not _CHIFFRES.fullmatch(fraction):
        return None
    entier = entier.strip()
    if not entier:
        if not fraction:
            return None
        entier = "0"
    if not _CHIFFRES.fullmatch(entier):
        # Des séparateurs de milliers : un seul type, des groupes de trois chiffres.
        groupes = _GROUPES.fullmatch(entier)
        if not groupes or groupes.group(1) == decimal:
            return None
        entier = re.sub(r"[ .,]", "", entier)
    if len(entier) > 15 or len(fraction) > 15:
        return None  # au-delà, un float ne garde plus les centimes
    return signe * float(f"{entier}.{fraction or '0'}")


def _plausible(montant: float, v: Any) -> float:
    if not math.isfinite(montant):
        raise ValeurIllisible(f"{cite(v)} n'est pas un montant (valeur infinie ou non numérique, "
                              f"souvent une formule en erreur) : {_EXEMPLE_MONTANT}")
    if abs(montant) > MONTANT_MAX:
        raise ValeurIllisible(
            f"{cite(v)} est un montant invraisemblable (plus de {affichage.montant(MONTANT_MAX)} dans "
            "une seule cellule) : vérifiez la saisie (zéros en trop, formule erronée)")
    return montant


def lire_montant(v: Any) -> float | None:
    """Un montant en euros : nombre, ou texte « 12 500 », « 12 500,50 € », « 12.500,50 »…

    Les montants négatifs sont lus (une règle les signale) ; les montants invraisemblables
    (au-delà de :data:`MONTANT_MAX`, infinis) sont illisibles.
    """
    if est_vide(v):
        return None
    if isinstance(v, bool):
        raise ValeurIllisible(f"{cite(v)} n'est pas un montant : {_EXEMPLE_MONTANT}")
    if isinstance(v, int | float):
        try:
            return _plausible(float(v), v)
        except OverflowError:  # entier trop grand pour un float
            raise ValeurIllisible(f"{cite(v)} est un montant invraisemblable : vérifiez la saisie") from None
    if isinstance(v, dt.date | dt.time | dt.timedelta):
        raise ValeurIllisible(f"{cite(v)} est une date ou une heure, pas un montant : {_EXEMPLE_MONTANT}")
    _refuser_erreur_formule(v)
    sans_devise = _DEVISE.sub("", str(v).strip(_ESPACES + "\r\n"))
    if _AMBIGU.fullmatch(_sans_espaces(sans_devise)):
        raise ValeurIllisible(
            f"{cite(v)} est ambigu : écrivez 12 500 pour des milliers ou 12,5 pour des décimales")
    nombre = _analyser_nombre(sans_devise) if sans_devise else None
    if nombre is None:
        raise ValeurIllisible(f"{cite(v)} n'est pas un montant : {_EXEMPLE_MONTANT}")
    return _plausible(nombre, v)


# --- dates ----------------------------------------------------------------------------------

_DATE_JMA = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]+)")
_DATE_AMJ = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATE_MJA = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")  # 11/25/2022, à l'américaine
_HEURE = re.compile(r"(?:[ T][0-9]{1,2}[:h][0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
                    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?", re.IGNORECASE)


def _verifier_plage(d: dt.date, v: Any) -> dt.date:
    if not DATE_MIN <= d <= DATE_MAX:
        raise ValeurIllisible(
            f"{cite(v)} est une date invraisemblable (attendu entre {affichage.date(DATE_MIN)} et "
            f"{affichage.date(DATE_MAX)}) : vérifiez la saisie ; {_EXEMPLE_DATE}")
    return d


def lire_date(v: Any) -> dt.date | None:
    """Une date : date du classeur, numéro de série Excel, ou texte (voir le module)."""
    if est_vide(v):
        return None
    if isinstance(v, bool):
        raise ValeurIllisible(f"{cite(v)} n'est pas une date : {_EXEMPLE_DATE}")
    if isinstance(v, dt.datetime):
        return _verifier_plage(v.date(), v)
    if isinstance(v, dt.date):
        return _verifier_plage(v, v)
    if isinstance(v, dt.time | dt.timedelta):
        raise ValeurIllisible(f"{cite(v)} est une heure ou une durée, pas une date : {_EXEMPLE_DATE}")
    if isinstance(v, int | float):
        # Numéro de série Excel (cellule au format nombre) ; une année seule n'est pas une date.
        if not (isinstance(v, int) or math.isfinite(v)) or not (_serie(DATE_MIN) <= v < _serie(DATE_MAX) + 1):
            raise ValeurIllisible(
                f"{cite(v)} n'est pas une date (numéro de date hors de la plage "
                f"{affichage.date(DATE_MIN)} – {affichage.date(DATE_MAX)}) : {_EXEMPLE_DATE}")
        return _ORIGINE_EXCEL + dt.timedelta(days=math.floor(v))
    _refuser_erreur_formule(v)
    s = str(v).strip(_ESPACES + "\r\n")
    m = _DATE_JMA.match(s)
    if m and _HEURE.fullmatch(s, m.end()):
        jour, _, mois, annee = m.groups()
    else:
        m = _DATE_AMJ.match(s)
        if not (m and _HEURE.fullmatch(s, m.end())):
            raise ValeurIllisible(f"{cite(v)} n'est pas une date : {_EXEMPLE_DATE}")
        annee, mois, jour = m.groups()
    if len(annee) == 2:
        annee = ("20" if int(annee) < PIVOT_ANNEE else "19") + annee
    if len(annee) != 4:
        raise ValeurIllisible(
            f"{cite(v)} : l'année doit avoir quatre chiffres ; {_EXEMPLE_DATE}")
    try:
        d = dt.date(int(annee), int(mois), int(jour))
    except ValueError:
        raise ValeurIllisible(f"{cite(v)} : cette date n'existe pas ; {_EXEMPLE_DATE}") from None
    return _verifier_plage(d, v)


def date_mois_jour(v: Any) -> dt.date | None:
    """La date que désigne un texte illisible en JJ/MM/AAAA s'il est écrit mois avant jour, au
    format américain (« 11/25/2022 » : le 25 novembre) ; None sinon. Seule une saisie dont le
    deuxième nombre ne peut pas être un mois (13 à 31) le montre : « 09/12/2022 » se lit des deux
    façons, et la lecture JJ/MM/AAAA l'a prise pour le 9 décembre."""
    if not isinstance(v, str):
        return None
    m = _DATE_MJA.fullmatch(v.strip(_ESPACES + "\r\n"))
    if m is None:
        return None
    mois, jour, annee = (int(x) for x in m.groups())
    if not (1 <= mois <= 12 and jour >= 13):
        return None
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        return None


def _serie(d: dt.date) -> int:
    return (d - _ORIGINE_EXCEL).days


# --- booléens, entiers, textes, listes ------------------------------------------------------

_VRAI = frozenset({"oui", "x", "1", "true", "vrai", "o", "✓", "✔", "☑", "✅", "🗹", "☑️", "✔️"})
_FAUX = frozenset({"non", "0", "false", "faux", "n", "☐", "☒", "✗", "✘", "❌", "✖", "☒️"})
_SANS_OBJET = frozenset({
    "sans objet", "so", "s/o", "s.o", "s.o.", "na", "n/a", "n.a", "n.a.", "-", "–", "—",
    "non applicable", "non concerne", "non concernee", "pas concerne", "pas concernee",
})


def _sans_accents(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def lire_booleen(v: Any) -> bool | _SansObjet | None:
    """Oui/Non (voir le module pour les variantes admises) ; « Sans objet » → :data:`SANS_OBJET` ;
    vide → None."""
    if est_vide(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return v == 1
    if isinstance(v, str):
        _refuser_erreur_formule(v)
        cle = re.sub(r"\s+", " ", _sans_accents(v.strip(_ESPACES + "\r\n")).casefold())
        if cle in _VRAI:
            return True
        if cle in _FAUX:
            return False
        if cle in _SANS_OBJET:
            return SANS_OBJET
    raise ValeurIllisible(f"{cite(v)} n'est pas une réponse Oui/Non : écrivez Oui ou Non "
                          "(ou « Sans objet » si la question ne s'applique pas)")


def lire_entier(v: Any) -> int | None:
    """Un nombre entier : 12, 3.0 (valeur Excel) ou le texte « 12 » ; refuse 3,5 et le texte."""
    if est_vide(v):
        return None
    attendu = "écrivez un nombre entier, par ex. 12"
    if isinstance(v, bool | dt.date | dt.time | dt.timedelta):
        raise ValeurIllisible(f"{cite(v)} n'est pas un nombre entier : {attendu}")
    if isinstance(v, int):
        nombre: float | None = None
        entier = v
    else:
        if isinstance(v, float):
            nombre = v
        else:
            _refuser_erreur_formule(v)
            nombre = _analyser_nombre(str(v))
        if nombre is None or not math.isfinite(nombre):
            raise ValeurIllisible(f"{cite(v)} n'est pas un nombre entier : {attendu}")
        if not nombre.is_integer():
            raise ValeurIllisible(f"{cite(v)} n'est pas un nombre entier (il a des décimales) : {attendu}")
        entier = ENTIER_MAX + 1 if abs(nombre) > ENTIER_MAX else int(nombre)
    if abs(entier) > ENTIER_MAX:
        raise ValeurIllisible(f"{cite(v)} est un nombre invraisemblable (plus de "
                              f"{affichage.nombre(ENTIER_MAX)}) : vérifiez la saisie")
    return entier


def lire_texte(v: Any) -> str | None:
    """Le texte de la cellule, sans espaces autour ; un nombre entier saisi comme nombre
    (123.0 lu dans Excel) donne « 123 », sans notation scientifique (SIRET, N° dossier)."""
    if est_vide(v):
        return None
    if isinstance(v, str):
        return v.strip(_ESPACES + "\r\n")
    if isinstance(v, int | float) and not isinstance(v, bool):
        return affichage.nombre(v, milliers=False)
    return affichage.valeur(v)


# Séparateurs sûrs (« ; », retour à la ligne) puis, dans chaque morceau qui n'est pas un nom
# connu, « , » et « / », puis « et » entouré d'espaces.
_SEPARATEURS = (re.compile(r"[;\r\n\x1f\u2028\u2029]+"), re.compile(r"[,/]"),
                re.compile(r"\s+et\s+", re.IGNORECASE))


def lire_liste(v: Any, connu: Callable[[str], Any] | None = None) -> list[str]:
    """Les éléments d'une cellule-liste, nettoyés, vides ignorés (voir le module).

    ``connu`` : dit si un morceau est un nom connu tel quel (il n'est alors pas redécoupé).
    """
    texte = lire_texte(v)
    if texte is None:
        return []
    morceaux = [texte]
    for n, separateur in enumerate(_SEPARATEURS):
        suivants = []
        for m in morceaux:
            m = m.strip(_ESPACES)
            if not m:
                continue
            if n and connu is not None and connu(m):
                suivants.append(m)
            else:
                suivants += separateur.split(m)
        morceaux = suivants
    return [m.strip(_ESPACES) for m in morceaux if m.strip(_ESPACES)]


# --- identifiants ---------------------------------------------------------------------------

_SIREN_LA_POSTE = "356000000"
_SIRET = re.compile(r"[0-9]{14}")
_RNA = re.compile(r"W[0-9]{9}")
_PRESENTATION_SIRET = _ESPACES + "."


def normaliser_siret(s: str) -> str:
    """Le SIRET sans les espaces ni les points de présentation (« 362 521 879 00034 » et
    « 362.521.879.00034 » → « 36252187900034 ») ; le reste (autres chiffres) est gardé tel quel."""
    return "".join(c for c in str(s).strip() if c not in _PRESENTATION_SIRET)


def lire_siret(v: Any) -> str | None:
    """La cellule SIRET en texte normalisé (sa validité est une règle : SCH-SIRET)."""
    texte = lire_texte(v)
    return normaliser_siret(texte) if texte is not None else None


def lire_rna(v: Any) -> str | None:
    """La cellule RNA sans espaces, « w » mis en capitale (sa validité est une règle : SCH-RNA)."""
    texte = lire_texte(v)
    if texte is None:
        return None
    texte = _sans_espaces(texte)
    return "W" + texte[1:] if texte[:1] == "w" else texte


# --- lecture d'un lot de textes ------------------------------------------------------------
#
# La conversion lit une colonne valeur distincte par valeur distincte ; pour les colonnes où
# presque toutes diffèrent (N° dossier, porteur, SIRET, RNA), ces fonctions lisent d'un coup
# une liste de textes distincts, en C (strip, regex), et ne rendent la main au lecteur exact
# que pour les textes qu'elles ne savent pas lire (espaces intérieurs, caractères rares…).
# Chacune rend exactement ce que rendrait son lecteur, valeur par valeur
# (tests/test_chemins_rapides.py).

_NET = operator.methodcaller("strip", _ESPACES + "\r\n")
_VIDE_OU_SAUT = operator.methodcaller("startswith", ("\v", "\f"))
_SIRET_NET = re.compile(r"[0-9]+").fullmatch
_RNA_NET = re.compile(f"[^w{_ESPACES}][^{_ESPACES}]*", re.DOTALL).fullmatch


def _lot(textes: list[str], nets: list[Any], lent: Callable[[Any], Any]) -> list[Any]:
    """``nets[k]`` quand il est vrai (le résultat exact, déjà calculé), ``lent(textes[k])`` sinon."""
    if all(nets):
        return nets
    return [n if n else lent(t) for t, n in zip(textes, nets, strict=True)]


def _nets(textes: list[str]) -> list[str]:
    """``lire_texte`` de chaque texte, ou "" là où il faut le lecteur exact : vide après
    nettoyage (None), ou commençant par un saut de ligne vertical ou de page (est_vide l'ôte,
    lire_texte non)."""
    nets = list(map(_NET, textes))
    if True in map(_VIDE_OU_SAUT, nets):
        nets = ["" if _VIDE_OU_SAUT(n) else n for n in nets]
    return nets


def lire_textes(textes: list[str]) -> list[str | None]:
    """:func:`lire_texte` de chacun de ces textes."""
    return _lot(textes, _nets(textes), lire_texte)


def lire_sirets(textes: list[str]) -> list[str | None]:
    """:func:`lire_siret` de chacun de ces textes ; rapide pour les 14 chiffres collés."""
    return _lot_conforme(textes, _SIRET_NET, lire_siret)


def lire_rnas(textes: list[str]) -> list[str | None]:
    """:func:`lire_rna` de chacun de ces textes ; rapide sans espace intérieur ni « w » initial."""
    return _lot_conforme(textes, _RNA_NET, lire_rna)


def _lot_conforme(textes: list[str], conforme: Callable[[str], Any], lent: Callable[[Any], Any]) -> list[Any]:
    """Le texte nettoyé quand ``conforme`` l'accepte tel quel, ``lent`` (le lecteur exact) sinon."""
    nets = _nets(textes)
    if None in map(conforme, nets):
        nets = [n if conforme(n) else "" for n in nets]
    return _lot(textes, nets, lent)


def cle_luhn_valide(chiffres: str) -> bool:
    """Vrai si la suite de chiffres ASCII a une clé de Luhn correcte (faux sinon)."""
    if not chiffres.isascii() or not chiffres.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(chiffres)):
        n = ord(c) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def siret_valide(s: Any) -> bool:
    """14 chiffres ASCII collés (voir :func:`normaliser_siret`) et clé de Luhn valide.

    Exception connue : les établissements de La Poste (SIREN 356000000), dont la somme des
    chiffres du SIRET est un multiple de 5.
    """
    if not isinstance(s, str) or not _SIRET.fullmatch(s):
        return False
    if cle_luhn_valide(s):
        return True
    return s.startswith(_SIREN_LA_POSTE) and sum(ord(c) - 48 for c in s) % 5 == 0


def rna_valide(s: Any) -> bool:
    """Numéro RNA d'association : « W » majuscule suivi de 9 chiffres ASCII."""
    return isinstance(s, str) and _RNA.fullmatch(s) is not None
