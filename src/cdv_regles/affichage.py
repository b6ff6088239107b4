"""Les valeurs telles qu'on les montre, dans toutes les sorties : messages, rapports, texte-git,
synthèse, classeur.

Une seule écriture française : montants « 12 500 € » (espaces insécables U+00A0 entre les
milliers et avant « € », comme Excel en français), nombres « 1 250 » ou « 12,5 », parts
« 41,3 % », dates « 16/09/2022 », booléens « Oui » / « Non », cellule vide « vide ».

Toutes les fonctions sont totales : quelle que soit la valeur (1e308, inf, NaN, entier géant,
objet inattendu), elles rendent un texte et ne lèvent jamais.

Caractères de contrôle : un texte venu d'une cellule, d'un nom de fichier ou d'un greffon peut
contenir ESC, CR, LF… Affichés tels quels, ils colorent un terminal, effacent une ligne ou en
commencent une nouvelle (une cellule forgerait une ligne « ::error » dans un journal GitHub ou
un faux en-tête « === Dossier … === » dans texte-git). :func:`visible` les remplace par leur
symbole (U+2400…, p. ex. ESC → « ␛ », CR/LF → « ↵ ») ; chaque rendu l'applique au texte qu'il
écrit.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

NBSP = "\u00a0"
VIDE = "vide"
SANS_OBJET = "Sans objet"
SAUT = "↵"

# C0 (sauf rien), DEL, C1, séparateurs de ligne et de paragraphe Unicode, contrôles de
# direction (qui réordonnent visuellement un message : « Trojan Source »).
_CONTROLES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SAUTS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


def _symbole(m: re.Match[str]) -> str:
    c = m.group(0)
    o = ord(c)
    if o < 0x20:
        return chr(0x2400 + o)  # ␀ … ␟ (␛ pour ESC)
    if o == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{o:04X}>"


def imprimable(texte: str, *, sauts: bool = False) -> bool:
    """Vrai si ``texte`` n'a aucun caractère non imprimable, hors espaces insécables (ceux des
    montants) et, avec ``sauts``, hors « \\n ». Tout caractère que :func:`visible` change (et que
    les rapports échappent) est non imprimable : un tel texte est déjà sûr, et ``isprintable``
    (en C) le dit bien plus vite qu'une expression régulière."""
    if sauts:
        texte = texte.replace("\n", "")
    return texte.replace(NBSP, "").replace("\u202f", "").isprintable()


def visible(texte: Any, *, sauts: bool = False) -> str:
    """Le texte sans aucun caractère de contrôle brut.

    ``sauts`` : garder les retours à la ligne (« \\n », CR/LF et CR seuls deviennent « \\n »)
    pour un rendu qui sait les montrer (HTML, Markdown, classeur) ; sinon chacun devient « ↵ »
    et le texte tient sur une ligne.
    """
    s = texte if isinstance(texte, str) else _str(texte)
    if imprimable(s) or not _CONTROLES.search(s):
        return s
    s = _SAUTS.sub("\n" if sauts else SAUT, s)
    if sauts:
        return "\n".join(_CONTROLES.sub(_symbole, ligne) for ligne in s.split("\n"))
    return _CONTROLES.sub(_symbole, s)


def _str(x: Any) -> str:
    try:
        return str(x)
    except Exception:  # un objet de greffon dont __str__ échoue : on le nomme quand même
        return f"<{type(x).__name__}>"


# --- nombres ---------------------------------------------------------------------------------

def _non_fini(x: float) -> str:
    if math.isnan(x):
        return "non numérique"
    return "infini" if x > 0 else "moins l'infini"


def nombre(x: Any, *, milliers: bool = True, decimales: int | None = None) -> str:
    """« 1 250 », « 12,5 » (virgule décimale, espaces insécables entre les milliers).

    ``decimales`` : arrondi à ce nombre de décimales au plus (zéros finaux ôtés) ; sinon toutes
    les décimales utiles. ``milliers=False`` : chiffres collés (« 36252187900034 »).
    """
    if x is None:
        return VIDE
    if isinstance(x, bool):
        return booleen(x)
    try:
        if isinstance(x, int):
            if abs(x) >= 10**30:
                return _scientifique(float(x)) if abs(x) < 10**308 else f"{'-' if x < 0 else ''}plus de 10^308"
            return _milliers(str(abs(x)), milliers, x < 0)
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return visible(_str(x))
    if not math.isfinite(f):
        return _non_fini(f)
    if abs(f) >= 1e21:  # au-delà, des chiffres sans signification : notation scientifique
        return _scientifique(f)
    if decimales is not None:
        f = round(f, decimales)
    if f.is_integer():
        return _milliers(str(int(abs(f))), milliers, f < 0)
    texte = f"{abs(f):.{decimales}f}".rstrip("0") if decimales is not None else repr(abs(f))
    if "e" in texte or "E" in texte:
        texte = f"{abs(f):.15f}".rstrip("0")
    entier, _, fraction = texte.partition(".")
    return _milliers(entier, milliers, f < 0) + ("," + fraction if fraction else "")


def _milliers(chiffres: str, milliers: bool, negatif: bool) -> str:
    signe = "-" if negatif and chiffres.strip("0") else ""
    if not milliers or len(chiffres) <= 3:
        return signe + chiffres
    tete = len(chiffres) % 3 or 3
    groupes = [chiffres[:tete]] + [chiffres[i:i + 3] for i in range(tete, len(chiffres), 3)]
    return signe + NBSP.join(groupes)


def _scientifique(f: float) -> str:
    mantisse, _, exposant = f"{f:.3e}".partition("e")
    return f"{mantisse.replace('.', ',')}×10^{int(exposant)}"


def montant(x: Any) -> str:
    """« 12 500 € » ou « 12 500,50 € » (centimes seulement s'il y en a) ; total."""
    if x is None:
        return VIDE
    try:
        f = float(x)
    except (TypeError, ValueError, OverflowError):
        return visible(_str(x))
    if not math.isfinite(f):
        return _non_fini(f)
    if abs(f) >= 1e15:  # au-delà, un float ne garde plus les centimes
        return f"{_scientifique(f)}{NBSP}€"
    centimes = round(f * 100)
    euros, cts = divmod(abs(centimes), 100)
    texte = _milliers(str(euros), True, centimes < 0)
    if centimes < 0 and not texte.startswith("-"):
        texte = "-" + texte
    return f"{texte}{f',{cts:02d}' if cts else ''}{NBSP}€"


def pourcentage(p: Any) -> str:
    """Une proportion : 0,413 → « 41,3 % », 1,25 → « 125 % »."""
    if p is None:
        return VIDE
    try:
        f = float(p) * 100
    except (TypeError, ValueError, OverflowError):
        return visible(_str(p))
    if not math.isfinite(f):
        return _non_fini(f)
    return nombre(f, decimales=1) + NBSP + "%"


# --- dates, booléens, listes -----------------------------------------------------------------

def date(d: Any) -> str:
    """« 16/09/2022 » ; une date-heure garde son heure (« 16/09/2022 14:30 ») ; un texte ISO
    (« 2022-09-16 ») est mis à la française."""
    if d is None:
        return VIDE
    if isinstance(d, str):
        try:
            d = dt.date.fromisoformat(d[:10])
        except ValueError:
            return visible(d)
    if isinstance(d, dt.datetime):
        jour = f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
        return jour if d.time() == dt.time(0) else f"{jour} {d:%H:%M}"
    if isinstance(d, dt.date):
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    if isinstance(d, dt.time):
        return f"{d:%H:%M}"
    return visible(_str(d))


def booleen(b: Any) -> str:
    return "Oui" if b else "Non"


def enumerer(elements: list[str], conjonction: str = "et") -> str:
    """Une liste comme on l'écrit en français : « 1, 2 et 5 »."""
    if len(elements) <= 1:
        return "".join(elements)
    return f"{', '.join(elements[:-1])} {conjonction} {elements[-1]}"


def liste(elements: Any, *, separateur: str | None = None) -> str:
    """« Anzin, Marly et Onnaing » (ou les éléments joints par ``separateur``) ; « aucun » si vide."""
    if not elements:
        return "aucun"
    textes = [valeur(e) for e in elements]
    return enumerer(textes) if separateur is None else separateur.join(textes)


# --- une valeur quelconque -------------------------------------------------------------------

SORTES = ("texte", "montant", "nombre", "entier", "pourcent", "date", "booleen", "liste")


def valeur(x: Any, sorte: str | None = None) -> str:
    """Une valeur telle qu'un agent la lit, sur une ligne.

    ``sorte`` : la sorte d'affichage du type de la colonne (voir ``types_colonnes``) ou le format
    demandé par un message (« montant », « pourcent », « nombre », « date »). Sans sorte, la
    valeur est montrée telle qu'elle est (un nombre comme un nombre, jamais comme un montant).
    """
    try:
        return _valeur(x, sorte)
    except Exception:  # filet : un affichage ne fait jamais échouer un rapport
        return visible(_str(x))


def _valeur(x: Any, sorte: str | None) -> str:
    if x is None:
        return VIDE
    if isinstance(x, bool):
        return booleen(x)
    numerique = isinstance(x, int | float)
    if sorte == "montant" and numerique:
        return montant(x)
    if sorte == "pourcent" and numerique:
        return pourcentage(x)
    if numerique:
        return nombre(x)
    if isinstance(x, dt.date | dt.time):
        return date(x)
    if isinstance(x, list | tuple):
        return liste(x)
    if isinstance(x, dt.timedelta):
        return visible(_str(x))
    return visible(x if isinstance(x, str) else _str(x))


def cite(x: Any, longueur: int = 60) -> str:
    """La valeur vue, entre guillemets et raccourcie, pour un message : « 12,5 »."""
    s = valeur(x)
    if len(s) > longueur:
        s = s[:longueur - 3] + "…"
    return f"« {s} »"
