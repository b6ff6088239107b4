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
- SIRET : :func:`siret_valide` n'accepte que 14 chiffres collés ; :func:`normaliser_siret` ôte
  d'abord les espaces (ordinaires ou insécables), comme dans « 362 521 879 00034 ».
- Affichage des montants : espace insécable U+00A0 entre les milliers et avant « € », comme
  Excel en français ; la lecture accepte aussi U+202F (espace fine insécable).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
_ORIGINE_EXCEL = dt.date(1899, 12, 30)  # numéro de série 0 (calendrier 1900, bissextile fictif inclus)

# Espaces rencontrées dans les nombres mis en forme : ordinaire, insécable, fine insécable, fine.
_ESPACES = " \u00a0\u202f\u2009\t"
_NBSP = "\u00a0"

# Erreurs de formule telles qu'Excel les enregistre, et telles qu'un export CSV français les écrit.
ERREURS_FORMULE = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!",
    "#EXTERNAL!", "#NUL!", "#VALEUR!", "#NOM?", "#NOMBRE!", "#PROPAGATION!", "#CHAMP!",
})

_EXEMPLE_MONTANT = "écrivez un nombre en euros, par ex. 12 500 ou 12 500,50"
_EXEMPLE_DATE = "écrivez une date JJ/MM/AAAA, par ex. 16/09/2022"


class ValeurIllisible(ValueError):
    """Une cellule ne contient pas une valeur du type attendu ; ``message`` l'explique."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- outils communs -------------------------------------------------------------------------

def est_vide(v: Any) -> bool:
    """Vrai pour une cellule vide : ``None``, chaîne vide ou faite d'espaces."""
    return v is None or (isinstance(v, str) and not v.strip(_ESPACES + "\r\n\v\f"))


def erreur_formule(v: Any) -> str | None:
    """Le code d'erreur (« #REF! »…) si la cellule contient une erreur de formule, sinon None."""
    if isinstance(v, str):
        s = v.strip().upper()
        if s in ERREURS_FORMULE:
            return s
    return None


def _refuser_erreur_formule(v: Any) -> None:
    code = erreur_formule(v)
    if code:
        raise ValeurIllisible(f"la cellule contient une erreur de formule {code} : corrigez la formule")


def _cite(v: Any) -> str:
    """La valeur entre guillemets, raccourcie si elle est longue, pour un message."""
    s = format_valeur(v)
    if len(s) > 60:
        s = s[:57] + "…"
    return f"« {s} »"


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
    if len(entier) > 15:
        return None  # au-delà, un float ne garde plus les centimes
    return signe * float(f"{entier}.{fraction or '0'}")


def lire_montant(v: Any) -> float | None:
    """Un montant en euros : nombre, ou texte « 12 500 », « 12 500,50 € », « 12.500,50 »…

    Les montants négatifs sont lus (une règle les signale).
    """
    if est_vide(v):
        return None
    if isinstance(v, bool):
        raise ValeurIllisible(f"{_cite(v)} n'est pas un montant : {_EXEMPLE_MONTANT}")
    if isinstance(v, int | float):
        if not math.isfinite(v):
            raise ValeurIllisible(f"{_cite(v)} n'est pas un montant : {_EXEMPLE_MONTANT}")
        return float(v)
    if isinstance(v, dt.date | dt.time | dt.timedelta):
        raise ValeurIllisible(f"{_cite(v)} est une date ou une heure, pas un montant : {_EXEMPLE_MONTANT}")
    _refuser_erreur_formule(v)
    sans_devise = _DEVISE.sub("", str(v).strip())
    if _AMBIGU.fullmatch(_sans_espaces(sans_devise)):
        raise ValeurIllisible(
            f"{_cite(v)} est ambigu : écrivez 12 500 pour des milliers ou 12,5 pour des décimales")
    nombre = _analyser_nombre(sans_devise) if sans_devise else None
    if nombre is None:
        raise ValeurIllisible(f"{_cite(v)} n'est pas un montant : {_EXEMPLE_MONTANT}")
    return nombre


# --- dates ----------------------------------------------------------------------------------

_DATE_JMA = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]+)")
_DATE_AMJ = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_HEURE = re.compile(r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")


def _verifier_plage(d: dt.date, v: Any) -> dt.date:
    if not DATE_MIN <= d <= DATE_MAX:
        raise ValeurIllisible(
            f"{_cite(v)} est une date invraisemblable (attendu entre {format_date(DATE_MIN)} et "
            f"{format_date(DATE_MAX)}) : vérifiez la saisie ; {_EXEMPLE_DATE}")
    return d


def lire_date(v: Any) -> dt.date | None:
    """Une date : date du classeur, numéro de série Excel, ou texte JJ/MM/AAAA ou AAAA-MM-JJ."""
    if est_vide(v):
        return None
    if isinstance(v, bool):
        raise ValeurIllisible(f"{_cite(v)} n'est pas une date : {_EXEMPLE_DATE}")
    if isinstance(v, dt.datetime):
        return _verifier_plage(v.date(), v)
    if isinstance(v, dt.date):
        return _verifier_plage(v, v)
    if isinstance(v, dt.time | dt.timedelta):
        raise ValeurIllisible(f"{_cite(v)} est une heure ou une durée, pas une date : {_EXEMPLE_DATE}")
    if isinstance(v, int | float):
        # Numéro de série Excel (cellule au format nombre) ; une année seule n'est pas une date.
        if not math.isfinite(v) or not (_serie(DATE_MIN) <= v < _serie(DATE_MAX) + 1):
            raise ValeurIllisible(f"{_cite(v)} n'est pas une date : {_EXEMPLE_DATE}")
        return _ORIGINE_EXCEL + dt.timedelta(days=math.floor(v))
    _refuser_erreur_formule(v)
    s = str(v).strip(_ESPACES + "\r\n")
    m = _DATE_JMA.match(s)
    if m and _HEURE.fullmatch(s, m.end()):
        jour, _, mois, annee = m.groups()
    else:
        m = _DATE_AMJ.match(s)
        if not (m and _HEURE.fullmatch(s, m.end())):
            raise ValeurIllisible(f"{_cite(v)} n'est pas une date : {_EXEMPLE_DATE}")
        annee, mois, jour = m.groups()
    if len(annee) != 4:
        raise ValeurIllisible(
            f"{_cite(v)} : l'année doit avoir quatre chiffres ; {_EXEMPLE_DATE}")
    try:
        d = dt.date(int(annee), int(mois), int(jour))
    except ValueError:
        raise ValeurIllisible(f"{_cite(v)} : cette date n'existe pas ; {_EXEMPLE_DATE}") from None
    return _verifier_plage(d, v)


def _serie(d: dt.date) -> int:
    return (d - _ORIGINE_EXCEL).days


# --- booléens, entiers, textes, listes ------------------------------------------------------

_VRAI = frozenset({"oui", "x", "1", "true", "vrai"})
_FAUX = frozenset({"non", "0", "false", "faux"})


def _sans_accents(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def lire_booleen(v: Any) -> bool | None:
    """Oui/Non (aussi oui, non, X, x, 1, 0, TRUE, FALSE, VRAI, FAUX) ; vide → None."""
    if est_vide(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool) and v in (0, 1):
        return v == 1
    if isinstance(v, str):
        _refuser_erreur_formule(v)
        cle = _sans_accents(v.strip(_ESPACES + "\r\n")).casefold()
        if cle in _VRAI:
            return True
        if cle in _FAUX:
            return False
    raise ValeurIllisible(f"{_cite(v)} n'est pas une réponse Oui/Non : écrivez Oui ou Non")


def lire_entier(v: Any) -> int | None:
    """Un nombre entier : 12, 3.0 (valeur Excel) ou le texte « 12 » ; refuse 3,5 et le texte."""
    if est_vide(v):
        return None
    attendu = "écrivez un nombre entier, par ex. 12"
    if isinstance(v, bool | dt.date | dt.time | dt.timedelta):
        raise ValeurIllisible(f"{_cite(v)} n'est pas un nombre entier : {attendu}")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        nombre: float | None = v
    else:
        _refuser_erreur_formule(v)
        nombre = _analyser_nombre(str(v))
    if nombre is None or not math.isfinite(nombre):
        raise ValeurIllisible(f"{_cite(v)} n'est pas un nombre entier : {attendu}")
    if not nombre.is_integer():
        raise ValeurIllisible(f"{_cite(v)} n'est pas un nombre entier (il a des décimales) : {attendu}")
    return int(nombre)


def lire_texte(v: Any) -> str | None:
    """Le texte de la cellule, sans espaces autour ; un nombre entier saisi comme nombre
    (123.0 lu dans Excel) donne « 123 », sans notation scientifique (SIRET, N° dossier)."""
    if est_vide(v):
        return None
    if isinstance(v, str):
        return v.strip(_ESPACES + "\r\n")
    return format_valeur(v)


def lire_liste(v: Any) -> list[str]:
    """Une liste séparée par « ; » ou des retours à la ligne ; éléments nettoyés, vides ignorés."""
    texte = lire_texte(v)
    if texte is None:
        return []
    morceaux = re.split(r"[;\r\n]+", texte)
    return [m.strip(_ESPACES) for m in morceaux if m.strip(_ESPACES)]


# --- identifiants ---------------------------------------------------------------------------

_SIREN_LA_POSTE = "356000000"


def normaliser_siret(s: str) -> str:
    """Le SIRET sans les espaces de présentation (« 362 521 879 00034 » → « 36252187900034 »)."""
    return _sans_espaces(s.strip())


def cle_luhn_valide(chiffres: str) -> bool:
    """Vrai si la suite de chiffres (ASCII) a une clé de Luhn correcte."""
    total = 0
    for i, c in enumerate(reversed(chiffres)):
        n = ord(c) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def siret_valide(s: str) -> bool:
    """14 chiffres collés (pas d'espace : voir :func:`normaliser_siret`) et clé de Luhn valide.

    Exception connue : les établissements de La Poste (SIREN 356000000), dont la somme des
    chiffres du SIRET est un multiple de 5.
    """
    if not isinstance(s, str) or not re.fullmatch(r"[0-9]{14}", s):
        return False
    if cle_luhn_valide(s):
        return True
    return s.startswith(_SIREN_LA_POSTE) and sum(ord(c) - 48 for c in s) % 5 == 0


def rna_valide(s: str) -> bool:
    """Numéro RNA d'association : « W » majuscule suivi de 9 chiffres."""
    return isinstance(s, str) and re.fullmatch(r"W[0-9]{9}", s) is not None


# --- affichage ------------------------------------------------------------------------------

def format_montant(x: float) -> str:
    """« 12 500 € » ou « 12 500,50 € », espaces insécables U+00A0 (milliers et avant €)."""
    if not math.isfinite(x):
        return format_valeur(x)
    centimes = round(x * 100)
    signe = "-" if centimes < 0 else ""
    euros, cts = divmod(abs(centimes), 100)
    entier = f"{euros:,}".replace(",", _NBSP)
    decimales = f",{cts:02d}" if cts else ""
    return f"{signe}{entier}{decimales}{_NBSP}€"


def format_date(d: dt.date) -> str:
    """« 16/09/2022 »."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _format_nombre(x: float) -> str:
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    s = repr(x)
    if "e" in s or "E" in s:
        s = f"{x:.15f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def format_valeur(v: Any) -> str:
    """La valeur telle qu'on la montre dans un message (None → « vide »)."""
    if v is None:
        return "vide"
    if isinstance(v, bool):
        return "VRAI" if v else "FAUX"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _format_nombre(v) if math.isfinite(v) else str(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return format_date(v)
        return f"{format_date(v)} {v:%H:%M}"
    if isinstance(v, dt.date):
        return format_date(v)
    if isinstance(v, dt.time):
        return f"{v:%H:%M}"
    return str(v)
